"""Pickles of asset outputs on a shared file system, read by corpus assets as one dict.

Dagster's filesystem IO manager hands a downstream asset a ``{partition: value}`` dict when it
reads several partitions, but the bare value when only one exists, and fails on a missing one
even when ``allow_missing_partitions`` is set. Corpus assets here read every document partition
that was produced, so they always get a dict, possibly empty (one document, or none read).

Built on the public ``dg.UPathIOManager``; the files are where ``fs_io_manager`` puts them
(``<base_dir>/<asset>/<partition>``, plain pickles), so stored outputs stay readable.
"""

import pickle
from typing import Any

import dagster as dg
from upath import UPath


class _PartitionDictIOManager(dg.UPathIOManager):
    extension: str = ""

    def dump_to_path(self, context: dg.OutputContext, obj: Any, path: UPath) -> None:
        with path.open("wb") as file:
            pickle.dump(obj, file, pickle.HIGHEST_PROTOCOL)

    def load_from_path(self, context: dg.InputContext, path: UPath) -> Any:
        with path.open("rb") as file:
            return pickle.load(file)

    def load_input(self, context: dg.InputContext) -> Any:
        if context.has_partition_key or not context.has_asset_partitions or \
                len(context.asset_partition_keys) > 1:
            return super().load_input(context)
        keys = context.asset_partition_keys
        if not keys:
            return {}
        try:
            return {keys[0]: super().load_input(context)}
        except FileNotFoundError:
            if context.definition_metadata.get("allow_missing_partitions"):
                return {}
            raise


class PartitionDictIOManager(dg.ConfigurableIOManagerFactory):
    """``base_dir``: local path or fsspec URL every step can reach; unset, ``$IONLIT_IO_STORAGE``
    (read when the IO manager is built), else the instance's ``storage/`` folder
    (``.dagster/artifacts/storage`` here)."""

    base_dir: str | None = None

    def create_io_manager(self, context: dg.InitResourceContext) -> _PartitionDictIOManager:
        base_dir = self.base_dir or dg.EnvVar("IONLIT_IO_STORAGE").get_value() or \
            context.instance.storage_directory()
        return _PartitionDictIOManager(base_path=UPath(base_dir))
