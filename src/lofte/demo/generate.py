"""``generate()``: the synthetic national SVF data set as delivery files, plus a manifest."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.catalog import Catalog, load
from lofte.demo import files, story
from lofte.demo.personnummer import formatted, make_numbers
from lofte.demo.simulate import ROLES, Simulation, World, day_number, pathway_infos, simulate

FIRST_DAY = date(2019, 1, 1)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ExpectedError:
    """A coding error put into a delivery on purpose: where it is and what kind it is."""

    line: int  # line in the file, header = line 1 (row in the sheet for XLSX)
    column: str  # canonical column name
    # personnummer_kontrollsiffra, kva_okant_prefix, kva_okant_suffix, datum_framtid, lan_okand
    kind: str


@dataclass(frozen=True)
class DemoDelivery:
    """One delivery file, to be imported in manifest order."""

    path: Path
    region: str
    window_from: date | None
    window_to: date | None
    expected_valid: bool
    note: str
    format: str  # csv | xlsx | parquet
    encoding: str | None  # for CSV
    delimiter: str | None  # for CSV
    rows: int
    expected_errors: tuple[ExpectedError, ...] = ()
    # Warning-level problems put in on purpose, by kind: dubblettrad (exact duplicate row),
    # dubblettstart, handelse_efter_slut, slut_fore_start.
    injected_warnings: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    """What :func:`generate` wrote, in the order the files are to be imported."""

    out_dir: Path
    deliveries: tuple[DemoDelivery, ...]
    register_path: Path
    period_from: date
    period_to: date
    seed: int
    quick: bool
    today: date
    instances: int
    events: int
    volume: float = 1.0
    notice: str = story.NOTICE

    def to_json(self) -> dict:
        """JSON-ready dict: file names relative to the manifest's folder, dates ISO."""

        def convert(value):
            if isinstance(value, Path):
                return value.name
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: convert(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [convert(v) for v in value]
            return value

        data = convert(asdict(self))
        del data["out_dir"]  # the files sit next to the manifest; keep it relocatable
        return data

    @property
    def path(self) -> Path:
        return self.out_dir / f"{story.FILE_PREFIX}manifest.json"


def last_complete_half_year_end(today: date) -> date:
    """The end of the last half-year that ended before ``today``."""
    candidates = [date(today.year, 6, 30), date(today.year - 1, 12, 31)]
    return next(d for d in candidates if d < today)


def generate(
    out_dir: Path,
    *,
    quick: bool = False,
    seed: int = 20261123,
    today: date | None = None,
    progress: Progress | None = None,
    volume: float = 1.0,
) -> Manifest:
    """Write the synthetic national data set to ``out_dir`` and return its manifest.

    All 21 regions, from 2019-01-01 to the end of the last complete half-year before ``today``
    (default: the current date). ``quick`` makes a data set of about 4.5 % of full scale (same
    regions and years). ``volume`` multiplies the pathways per year (``bench/scale.py`` runs
    1, 2 and 4 times the national volume over the same years). The same arguments always give
    byte-identical files.
    ``progress(description, completed, total)`` is called as the work advances.
    """
    if not volume > 0:
        raise ValueError(f"volume must be positive, not {volume!r}")
    today = today or date.today()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(f"{story.FILE_PREFIX}*"):
        old.unlink()
    report = progress or (lambda description, completed, total: None)
    total_steps = 25
    report("Simulerar vårdförlopp", 0, total_steps)

    cat = load()
    cutoff = last_complete_half_year_end(today)
    world = _world(cat, seed, cutoff, (story.QUICK_SCALE if quick else 1.0) * volume)
    sim = simulate(world)
    report("Skriver leveranser", 2, total_steps)

    writer = _Writer(sim, out_dir, seed, today, cutoff)
    deliveries: list[DemoDelivery] = []
    for step, code in enumerate(world.counties):
        deliveries.extend(writer.region_deliveries(code))
        report(f"Skrev leverans för region {code}", 3 + step, total_steps)
    register_path = writer.register(cat)
    manifest = Manifest(
        out_dir=out_dir,
        deliveries=tuple(deliveries),
        register_path=register_path,
        period_from=FIRST_DAY,
        period_to=cutoff,
        seed=seed,
        quick=quick,
        today=today,
        instances=len(sim.instances),
        events=int(sim.events.instance.shape[0]),
        volume=volume,
    )
    manifest.path.write_text(
        json.dumps(manifest.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    report("Klart", total_steps, total_steps)
    return manifest


def _world(cat: Catalog, seed: int, cutoff: date, scale: float) -> World:
    counties = list(cat.counties())
    codes = [c.code for c in counties]
    return World(
        cat=cat,
        rng=np.random.default_rng(seed),
        further_rng=np.random.default_rng([seed, 2]),
        counties=codes,
        populations=np.array([c.population or 0 for c in counties], dtype=float),
        parents=[c.parent or "" for c in counties],
        pathways=pathway_infos(cat),
        first_day=day_number(FIRST_DAY),
        cutoff=day_number(cutoff),
        scale=scale,
        hospitals=[len(story.HOSPITALS.get(c, story.DEFAULT_HOSPITALS)) for c in codes],
    )


def slug(name: str) -> str:
    """``Region Jönköpings län`` → ``jonkopings-lan``."""
    name = name.removeprefix("Region ")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(ascii_name.lower().split())


class _Writer:
    """Formats the simulated events region by region and writes the files."""

    def __init__(self, sim: Simulation, out_dir: Path, seed: int, today: date, cutoff: date):
        self.sim = sim
        self.world = sim.world
        self.out_dir = out_dir
        self.today = today
        self.cutoff = cutoff
        # Formatting has its own random stream, so it never shifts the simulation.
        self.rng = np.random.default_rng([seed, 1])
        inst, events = sim.instances, sim.events
        patients = sim.patients
        numbers = make_numbers(patients.birth, patients.male, patients.samordning, self.rng)
        self.pnr = formatted(numbers, today)
        n_first = events.instance.shape[0] - sim.further
        # Per event, so that an exact duplicate row is formatted exactly like its original. The
        # further registrations draw from a stream of their own, so that the first registrations
        # and the register below are drawn exactly as without them.
        further_rng = np.random.default_rng([seed, 3])
        self.other_pnr_style = np.r_[
            self.rng.random(n_first) < 0.04, further_rng.random(sim.further) < 0.04
        ]
        self.compact_date = np.r_[
            self.rng.random(n_first) < 0.5, further_rng.random(sim.further) < 0.5
        ]
        self.patient = inst.patient[events.instance]
        self.kva = self._kva_strings()
        codes = pa.array(self.world.counties)
        self.reporter = pc.take(codes, pa.array(events.reporter))
        self.lan = pc.take(codes, pa.array(inst.home[events.instance]))
        self.unit_width = len(ROLES) * max(self.world.hospitals)
        self.unit_ids, self.unit_names = self._unit_table()

    def _kva_strings(self) -> pa.Array:
        events = self.sim.events
        pathway = self.sim.instances.pathway[events.instance]
        table = pa.array([f"{p.prefix}{s:02d}" for p in self.world.pathways for s in range(100)])
        return pc.take(table, pa.array(pathway * 100 + events.suffix))

    # --- per region -----------------------------------------------------------------------

    def region_deliveries(self, code: str) -> list[DemoDelivery]:
        c = self.world.county_index(code)
        style = files.STYLES.get(code, files.DEFAULT_STYLE)
        region = self.world.cat.region(code)
        rows = self._rows(c, style)
        first = FIRST_DAY
        out: list[DemoDelivery] = []
        if code == "05":
            # An earlier delivery with a shorter window, superseded by the full one.
            short_to = last_complete_half_year_end(self.cutoff)
            short_rows = rows[self.sim.events.day[rows] <= day_number(short_to)]
            out.append(
                self._delivery(
                    code,
                    region.name,
                    style,
                    short_rows,
                    first,
                    short_to,
                    note="Tidigare leverans med kortare period; ersätts av nästa leverans.",
                )
            )
        if code == "08":
            out.append(
                self._delivery(
                    code,
                    region.name,
                    style,
                    rows,
                    first,
                    self.cutoff,
                    bad=True,
                    note=(
                        "Första försöket innehåller kodningsfel (ogiltigt personnummer, okänd "
                        "KVÅ-kod, framtida datum, okänd länskod) och ska avvisas i sin helhet."
                    ),
                    tag="_forsta_forsok",
                )
            )
        note = "Fullständig leverans."
        if code == "08":
            note = "Rättad leverans efter det avvisade första försöket."
        if code == "05":
            note = "Fullständig leverans; ersätter den tidigare leveransen med kortare period."
        out.append(self._delivery(code, region.name, style, rows, first, self.cutoff, note=note))
        return out

    def _rows(self, c: int, style: files.FileStyle) -> np.ndarray:
        """Event indices of the region's file in file order, exact duplicates included."""
        events = self.sim.events
        own = np.flatnonzero(events.reporter == c)
        twice = self.sim.duplicate_rows[events.reporter[self.sim.duplicate_rows] == c]
        rows = np.r_[own, twice]
        # np.lexsort sorts by the last key first.
        keys = (events.suffix[rows], self.patient[rows], events.day[rows])
        if style.sort == "patient":
            keys = (events.suffix[rows], events.day[rows], self.patient[rows])
        return rows[np.lexsort(keys)]

    def _columns(self, rows: np.ndarray, style: files.FileStyle) -> dict[str, pa.Array]:
        events = self.sim.events
        index = pa.array(rows)
        patient = pa.array(self.patient[rows])
        main = style.pnr
        other = "12" if main != "12" else "12-"
        pnr = pc.if_else(
            pa.array(self.other_pnr_style[rows]),
            pc.take(self.pnr[other], patient),
            pc.take(self.pnr[main], patient),
        )
        days = events.day[rows]
        if style.format in ("parquet", "xlsx"):
            datum = pa.array(days.astype(np.int32), type=pa.int32()).cast(pa.date32())
        else:
            datum = files.date_strings(days, style.dates, self.compact_date[rows])
        unit_ids, unit_names = self._units(events.reporter[rows], events.unit[rows])
        values = {
            "personnummer": pnr,
            "kva": pc.take(self.kva, index),
            "datum": datum,
            "rapporterande_region": pc.take(self.reporter, index),
            "lan": pc.take(self.lan, index),
            "enhet": unit_ids,
            files.UNIT_NAME: unit_names,
        }
        return {name: values[name] for name in style.columns()}

    def _units(self, reporter: np.ndarray, unit: np.ndarray) -> tuple[pa.Array, pa.Array]:
        take = pa.array(reporter * self.unit_width + unit)
        return pc.take(self.unit_ids, take), pc.take(self.unit_names, take)

    def _unit_table(self) -> tuple[pa.Array, pa.Array]:
        """HSA-like id and name of every (region, hospital, role), indexed like events.unit."""
        ids, names = [], []
        for county in self.world.counties:
            hospitals = story.HOSPITALS.get(county, story.DEFAULT_HOSPITALS)
            organisation = story.ORGANISATION.get(county, "2321000000")
            for value in range(self.unit_width):
                hospital_index, role = divmod(value, len(ROLES))
                hospital = hospitals[min(hospital_index, len(hospitals) - 1)]
                serial = 1 + min(hospital_index, len(hospitals) - 1) * 100 + role
                ids.append(f"SE{organisation}-E{serial:09d}")
                names.append(f"{ROLES[role]} {hospital}")
        return pa.array(ids), pa.array(names)

    def _delivery(
        self,
        code: str,
        name: str,
        style: files.FileStyle,
        rows: np.ndarray,
        window_from: date,
        window_to: date,
        *,
        note: str,
        bad: bool = False,
        tag: str = "",
    ) -> DemoDelivery:
        columns = self._columns(rows, style)
        errors: tuple[ExpectedError, ...] = ()
        if bad:
            columns, errors = self._break(columns, rows, style)
        file_name = (
            f"{story.FILE_PREFIX}svf_{code}_{slug(name)}_"
            f"{window_from:%Y%m%d}-{window_to:%Y%m%d}{tag}.{style.extension}"
        )
        path = self.out_dir / file_name
        files.write(path, style, columns)
        injected = self.sim.events.injected[rows]
        warnings = {
            "dubblettrad": int(rows.shape[0] - np.unique(rows).shape[0]),
            **{
                kind: int((injected == kind).sum())
                for kind in ("dubblettstart", "handelse_efter_slut", "slut_fore_start")
            },
        }
        is_csv = style.format == "csv"
        if style.unit_name:
            note += (
                f" Exporten har en extra kolumn {files.UNIT_NAME} (enhetens namn i klartext) "
                "som inte ingår i leveransformatet."
            )
        return DemoDelivery(
            path=path,
            region=code,
            window_from=window_from,
            window_to=window_to,
            expected_valid=not bad,
            note=f"{story.NOTICE}. {note}",
            format=style.format,
            encoding=style.encoding if is_csv else None,
            delimiter=style.delimiter if is_csv else None,
            rows=int(rows.shape[0]),
            expected_errors=errors,
            injected_warnings=warnings,
        )

    def _break(self, columns: dict[str, pa.Array], rows: np.ndarray, style: files.FileStyle):
        """Coding errors that validation must catch, one row each, spread over the file."""
        # Spread over the rows of first registrations, so that the further registrations
        # (Simulation.further) leave the error lines where they were.
        n = len(columns["kva"]) - int(
            (rows >= self.sim.events.instance.shape[0] - self.sim.further).sum()
        )
        positions = [int(n * f) for f in (0.1, 0.3, 0.5, 0.7, 0.9)]
        arrays = {k: v.to_numpy(zero_copy_only=False).astype(object) for k, v in columns.items()}
        errors = []

        p = positions[0]
        pnr = arrays["personnummer"][p]
        arrays["personnummer"][p] = pnr[:-1] + str((int(pnr[-1]) + 1) % 10)
        errors.append(ExpectedError(p + 2, "personnummer", "personnummer_kontrollsiffra"))

        p = positions[1]
        arrays["kva"][p] = "VQ9" + arrays["kva"][p][3:]
        errors.append(ExpectedError(p + 2, "kva", "kva_okant_prefix"))

        p = positions[2]
        arrays["kva"][p] = arrays["kva"][p][:3] + "13"
        errors.append(ExpectedError(p + 2, "kva", "kva_okant_suffix"))

        p = positions[3]
        future = self.today + timedelta(days=45)
        if style.format == "csv":
            arrays["datum"][p] = future.strftime(
                "%Y%m%d" if style.dates == "compact" else "%Y-%m-%d"
            )
        else:
            arrays["datum"][p] = future
        errors.append(ExpectedError(p + 2, "datum", "datum_framtid"))

        p = positions[4]
        arrays["lan"][p] = "11"  # Kristianstads län, merged into Skåne in 1997
        errors.append(ExpectedError(p + 2, "lan", "lan_okand"))

        rebuilt = {k: pa.array(v, type=columns[k].type) for k, v in arrays.items()}
        return rebuilt, tuple(errors)

    # --- register -------------------------------------------------------------------------

    def register(self, cat: Catalog) -> Path:
        """New cancer cases per county, month and pathway: closings / inclusion, with noise."""
        inst = self.sim.instances
        world = self.world
        months = np.arange(np.datetime64(FIRST_DAY, "M"), np.datetime64(self.cutoff, "M") + 1)
        in_register = np.array([p.in_register for p in world.pathways])
        register_pathways = np.flatnonzero(in_register)
        closed = inst.national & (inst.end <= world.cutoff) & in_register[inst.pathway]
        end_month = inst.end.astype("datetime64[D]").astype("datetime64[M]")
        month_index = (end_month - months[0]).astype(np.int64)
        n_c, n_m, n_p = len(world.counties), months.shape[0], len(world.pathways)
        cell = (inst.home * n_m + month_index) * n_p + inst.pathway
        closings = np.bincount(cell[closed], minlength=n_c * n_m * n_p).reshape(n_c, n_m, n_p)
        inclusion = np.array(
            [story.INCLUSION.get(c, story.INCLUSION_DEFAULT) for c in world.counties]
        )
        noise = self.rng.lognormal(0.0, 0.05, size=closings.shape)
        expected = closings / inclusion[:, None, None] * noise
        new_cases = self.rng.poisson(expected)[:, :, register_pathways]

        c_idx, m_idx, p_idx = np.meshgrid(
            np.arange(n_c), np.arange(n_m), np.arange(register_pathways.shape[0]), indexing="ij"
        )
        period = np.datetime_as_string(months, unit="M")
        pathway_ids = np.array([world.pathways[k].id for k in register_pathways])
        table = pa.table(
            {
                "region": pa.array(np.array(world.counties)[c_idx.ravel()]),
                "period": pa.array(period[m_idx.ravel()]),
                "pathway": pa.array(pathway_ids[p_idx.ravel()]),
                "new_cases": pa.array(new_cases.ravel()),
            }
        )
        path = self.out_dir / f"{story.FILE_PREFIX}register_nya_cancerfall.csv"
        files.write(
            path, files.FileStyle(), dict(zip(table.column_names, table.columns, strict=True))
        )
        return path


__all__ = [
    "DemoDelivery",
    "ExpectedError",
    "Manifest",
    "generate",
    "last_complete_half_year_end",
]
