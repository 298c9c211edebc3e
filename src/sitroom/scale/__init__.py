"""Scale-out: the ingest pipeline on a Dask cluster, sharded, resumable, recycled.

``sitroom ingest --engine dask`` calls :func:`ingest_dask`; the shard plan
and result files are in :mod:`sitroom.scale.shards`.
"""

from sitroom.scale.engine import ScaleReport, default_workdir, ingest_dask, run_shard
from sitroom.scale.shards import Part, Shard, plan_shards, read_part

__all__ = [
    "Part",
    "ScaleReport",
    "Shard",
    "default_workdir",
    "ingest_dask",
    "plan_shards",
    "read_part",
    "run_shard",
]
