"""The corpus's statements compared with each other and the curated values, the curators'
decisions applied, and the curated view.

``decisions`` is read again whenever the corpus is gathered again (it follows
``conductivity``) and daily (``pipelines/automation.py``: the decisions file and the curated
sheets change outside Dagster); the rest follows its parents.
"""

import dagster as dg
import pandas as pd

from extractors import curation, reconcile
from extractors.errors import DecisionError
from pipelines.automation import (
    CORPUS_TAGS,
    FOLLOW_PARENTS,
    FOLLOW_PARENTS_AND_DAILY,
    OWNERS,
    stage_tags,
)
from pipelines.code_version import RECONCILE_CODE_VERSION
from pipelines.defs.reconciliation.resources import CuratedSources
from pipelines.metadata import frame_data_version, frame_metadata

STAGE = "reconciliation"
_CORPUS = {"group_name": STAGE, "code_version": RECONCILE_CODE_VERSION, "owners": OWNERS,
           "tags": stage_tags(STAGE, CORPUS_TAGS)}
_OUT = {"kinds": {"pandas"}, "owners": OWNERS, "tags": stage_tags(STAGE, CORPUS_TAGS),
        "automation_condition": FOLLOW_PARENTS, "code_version": RECONCILE_CODE_VERSION}


def _one_line(exc: DecisionError) -> str:
    """``file:line:column: message``, and how many more problems ``decisions check`` lists."""
    if not exc.problems:
        return str(exc).splitlines()[0]
    more = len(exc.problems) - 1
    return str(exc.problems[0]) + (f" (and {more} more: run `ionlit decisions check`)"
                                   if more else "")


@dg.asset(**_CORPUS, kinds={"csv"}, automation_condition=FOLLOW_PARENTS_AND_DAILY,
          deps=["conductivity"])
def decisions(context: dg.AssetExecutionContext,
              curated: CuratedSources) -> dg.Output[pd.DataFrame]:
    """The curators' decisions, validated: a bad file stops the run before anything publishes."""
    try:
        df = curated.load_decisions()
    except DecisionError as exc:
        raise dg.Failure(description=_one_line(exc), allow_retries=False,
                         metadata={"problems": dg.MetadataValue.md(str(exc))}) from exc
    return dg.Output(df, data_version=frame_data_version(df), metadata={"n_decisions": len(df)})


@dg.multi_asset(
    outs={
        "reconciliation": dg.AssetOut(description=(
            "One row per comparison of two statements of a material, decisions applied."),
            **_OUT),
        "problems": dg.AssetOut(description=(
            "One row per problem a curator decides: error candidates inside a work, outliers "
            "against the consensus of independent works."), **_OUT),
        "consensus": dg.AssetOut(description=(
            "Per material and temperature window: the median and spread of independent works."),
            **_OUT),
    }, group_name=STAGE, code_version=RECONCILE_CODE_VERSION)
def reconciled(context: dg.AssetExecutionContext, conductivity: pd.DataFrame,
               tables: pd.DataFrame, decisions: pd.DataFrame, curated: CuratedSources,
               ) -> tuple[dg.Output[pd.DataFrame], dg.Output[pd.DataFrame],
                          dg.Output[pd.DataFrame]]:
    """Comparisons, problems and consensus of the corpus, decisions applied."""
    try:
        out = reconcile.reconcile_corpus(conductivity, curated.load_curated(), decisions,
                                         tables=tables)
    except DecisionError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    problems = out.problems
    return (
        dg.Output(out.reconciliation, data_version=frame_data_version(out.reconciliation),
                  metadata={**frame_metadata(out.reconciliation, "reconciliation"),
                            **reconcile.summarise_reconciliation(out.reconciliation)}),
        dg.Output(problems, data_version=frame_data_version(problems),
                  metadata={**frame_metadata(problems, "problems"),
                            "n_open": int((problems["status"] == "open").sum()),
                            "n_outliers": int((problems["problem_kind"] == "outlier").sum())}),
        dg.Output(out.consensus, data_version=frame_data_version(out.consensus),
                  metadata=frame_metadata(out.consensus, "consensus")),
    )


@dg.asset(**_CORPUS, kinds={"pandas"}, automation_condition=FOLLOW_PARENTS)
def curated_view(context: dg.AssetExecutionContext, conductivity: pd.DataFrame,
                 reconciliation: pd.DataFrame, problems: pd.DataFrame) -> dg.Output[pd.DataFrame]:
    """Every record with the value to use after curation (accepted, rejected, corrected);
    records of an open problem are not usable yet."""
    df = curation.curated_view(conductivity, reconciliation, problems)
    return dg.Output(df, data_version=frame_data_version(df),
                     metadata={**frame_metadata(df, "curated"),
                               "n_decided": int(df["decision"].notna().sum()),
                               "n_unusable": int((~df["usable"]).sum())})
