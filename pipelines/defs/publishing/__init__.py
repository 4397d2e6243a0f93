"""The four versioned Parquet datasets, and the daily schedule that republishes them."""
