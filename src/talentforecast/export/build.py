"""Feed tables from a run: the run's columns untouched, plus ``schema_version``, ``run_id``,
``as_of`` and Chinese/English labels next to every code column.

Example:
    >>> import pandas as pd
    >>> from talentforecast.export.build import add_labels
    >>> df = pd.DataFrame({"industry": ["C"], "value": [1.0]})
    >>> add_labels(df, {})[["industry", "industry_name_zh", "industry_name_en"]].values.tolist()
    [['C', '制造业', 'Manufacturing']]
"""

from __future__ import annotations

import functools
import hashlib
import json

import pandas as pd

from talentforecast import catalogs
from talentforecast.errors import InputError
from talentforecast.export.spec import META_COLUMNS, FeedSpec, check_columns, feed_spec
from talentforecast.schema import SCHEMA_VERSION


@functools.cache
def _catalogue_labels() -> dict[str, dict[str, str]]:
    spec = catalogs.specialties()
    out = {f"{kind}_{lang}": catalogs.labels(kind, lang)
           for kind in ("industry", "specialty", "level", "occupation", "category") for lang in ("zh", "en")}
    out["specialty_category"] = dict(zip(spec["specialty"], spec["category_code"], strict=True))
    return out


def region_names(run) -> dict[str, tuple[str, str]]:
    """region code → (Chinese name, English name) from the run's ``regions`` table and metadata.

    The English name falls back to the Chinese one: regions have no catalogue of English names.
    """
    names: dict[str, tuple[str, str]] = {}
    meta = {**run.manifest.get("meta", {}), **getattr(run.bundle, "meta", {})}
    for src in (run.tables.get("regions"), run.bundle.get("regions") if run.bundle else None):
        if src is not None and {"region", "region_name"} <= set(src.columns):
            for code, name in zip(src["region"].astype(str), src["region_name"], strict=True):
                en = src.loc[src["region"].astype(str) == code, "region_name_en"].iloc[0] \
                    if "region_name_en" in src.columns else None
                names[code] = (str(name), str(en) if isinstance(en, str) and en else str(name))
    if meta.get("region") and meta.get("region_name"):
        zh = str(meta["region_name"])
        names[str(meta["region"])] = (zh, str(meta.get("region_name_en") or zh))
    return names


def add_labels(df: pd.DataFrame, regions: dict[str, tuple[str, str]], spec: FeedSpec | None = None) -> pd.DataFrame:
    """Insert the label columns right after their code column; columns already present are kept.

    A code missing from its catalogue gets a missing label, never a made-up one. ``regions``
    maps region code → (name_zh, name_en).

    Example:
        >>> df = pd.DataFrame({"region": ["990101", "990102"], "industry": ["C", "ZZ"]})
        >>> lab = add_labels(df, {"990101": ("中心区", "Central District")})
        >>> lab.columns.tolist()
        ['region', 'region_name_zh', 'region_name_en', 'industry', 'industry_name_zh', 'industry_name_en']
        >>> lab[["region_name_en", "industry_name_zh"]].values.tolist()
        [['Central District', '制造业'], [None, None]]
    """
    spec = spec or feed_spec()
    lab = _catalogue_labels()
    new: dict[str, pd.Series] = {}
    for code in spec.labels:
        if code not in df.columns:
            continue
        codes = df[code].astype("string")
        if code == "region":
            vals = {"region_name_zh": codes.map(lambda c: regions.get(c, (None, None))[0]),
                    "region_name_en": codes.map(lambda c: regions.get(c, (None, None))[1])}
        elif code == "specialty":
            cat = codes.map(lab["specialty_category"])
            vals = {"specialty_name_zh": codes.map(lab["specialty_zh"]),
                    "specialty_name_en": codes.map(lab["specialty_en"]),
                    "category_code": cat,
                    "category_name_zh": cat.map(lab["category_zh"]),
                    "category_name_en": cat.map(lab["category_en"])}
        else:
            vals = {f"{code}_name_zh": codes.map(lab[f"{code}_zh"]), f"{code}_name_en": codes.map(lab[f"{code}_en"])}
        new.update({k: v.astype("string").astype(object).where(v.notna(), None)
                    for k, v in vals.items() if k not in df.columns})
    out = df.copy()
    for code in reversed(list(spec.labels)):
        if code not in out.columns:
            continue
        pos = out.columns.get_loc(code) + 1
        for name in reversed(spec.labels[code]):
            if name in new:
                out.insert(pos, name, new[name].to_numpy())
    return out


def run_identity(run) -> tuple[str, int | None]:
    """(run_id, as_of) of a run; a run without a manifest gets an id hashed from its tables.

    Example:
        >>> import pandas as pd
        >>> from talentforecast.bundle import Bundle
        >>> from talentforecast.pipeline import Run
        >>> run = Run(bundle=Bundle(tables={}), options={"as_of": 2024}, manifest={"run_id": "demo"},
        ...           tables={"input_summary": pd.DataFrame({"table": ["employment"], "rows": [3],
        ...                    "first_year": [2020], "last_year": [2024], "regions": [1]})})
        >>> run_identity(run)
        ('demo', 2024)
    """
    run_id = run.manifest.get("run_id")
    if not run_id:
        h = hashlib.sha256()
        for name, df in sorted(run.tables.items()):
            h.update(name.encode())
            h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
        run_id = h.hexdigest()[:12]
    as_of = run.options.get("as_of", run.manifest.get("options", {}).get("as_of"))
    return str(run_id), (int(as_of) if as_of is not None else None)


def run_metadata(run, run_id: str, as_of: int | None) -> pd.DataFrame:
    """One row per manifest entry (``key``, ``value_json``)."""
    items = {k: v for k, v in run.manifest.items() if k != "tables"}
    items.update(run_id=run_id, as_of=as_of, schema_version=SCHEMA_VERSION)
    return pd.DataFrame({"key": list(items),
                         "value_json": [json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
                                        for v in items.values()]})


def provision(run) -> pd.DataFrame | None:
    """Which schools offer which specialty (for the dashboard's school filter): the run's
    ``provision`` table, else built from the bundle's ``enrolment`` (rows with enrolment > 0)."""
    if "provision" in run.tables:
        return run.tables["provision"]
    enr = run.bundle.get("enrolment") if run.bundle else None
    if enr is None:
        return None
    from talentforecast.stages import provision_table

    return provision_table(enr)


def feed_tables(run, spec: FeedSpec | None = None) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Build every feed table the run allows: ``({name: table}, {skipped name: why})``.

    Absent tables are skipped (and listed); a present table missing a contract column raises
    :class:`~talentforecast.errors.InputError`.

    Example:
        >>> import pandas as pd
        >>> from talentforecast.bundle import Bundle
        >>> from talentforecast.pipeline import Run
        >>> run = Run(bundle=Bundle(tables={}), options={"as_of": 2024}, manifest={"run_id": "demo"},
        ...           tables={"input_summary": pd.DataFrame({"table": ["employment"], "rows": [3],
        ...                    "first_year": [2020], "last_year": [2024], "regions": [1]})})
        >>> tables, skipped = feed_tables(run)
        >>> sorted(tables), skipped["warnings"]
        (['input_summary', 'run_metadata'], 'absent from the run')
        >>> tables["input_summary"][["table", "schema_version", "run_id", "as_of"]].values.tolist()
        [['employment', '1.0.0', 'demo', 2024]]
    """
    spec = spec or feed_spec()
    run_id, as_of = run_identity(run)
    regions = region_names(run)
    sources = dict(run.tables)
    sources["run_metadata"] = run_metadata(run, run_id, as_of)
    prov = provision(run)
    if prov is not None:
        sources["provision"] = prov
    out, skipped, problems = {}, {}, []
    for name in spec.tables:
        df = sources.get(name)
        if df is None:
            skipped[name] = "absent from the run"
            continue
        try:
            check_columns(name, df, spec)
        except InputError as err:  # report every table's problems at once
            problems.extend(err.problems)
            continue
        t = add_labels(df.reset_index(drop=True), regions, spec)
        meta = {"schema_version": SCHEMA_VERSION, "run_id": run_id, "as_of": as_of}
        for col in META_COLUMNS:
            if col not in t.columns:
                t[col] = pd.Series([meta[col]] * len(t), dtype="Int64" if col == "as_of" else object)
        out[name] = t
    if problems:
        raise InputError(problems)
    return out, skipped
