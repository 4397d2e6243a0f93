"""The ``ionlit`` definitions, one folder per stage, loaded by ``dg.load_from_defs_folder``.

Every per-document and corpus output carries a data version from its content (``Output(...,
data_version=...)``), a parameter Dagster 1.13 still labels beta: it is what makes "Unsynced"
true, so we use it on purpose and keep its warning out of ``ionlit run``'s output.
"""

import warnings

import dagster as dg

warnings.filterwarnings("ignore", message=r"Parameter `data_version` .*", category=dg.BetaWarning)
