"""Pathway instances and their events, drawn in bulk with numpy.

The simulation works on arrays with one element per instance (or per event); there is no Python
loop over patients. Dates are whole days since 1970-01-01 (``int64``). The result is everything
the file writers need: the events with their reporting regions and units, the patients behind
them, and the injected warning-level problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from lofte.catalog import Catalog, Pathway
from lofte.demo import story

EPOCH = date(1970, 1, 1)
SLOTS = 100  # suffixes 0..99


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return (d - EPOCH).days


@dataclass(frozen=True)
class PathwayInfo:
    """What the simulation needs to know about one pathway."""

    id: str
    prefix: str
    end_suffixes: tuple[int, ...]
    extended_marker: int | None
    mdk_measured: bool
    in_register: bool
    volume: float
    effect: float
    age: float
    male: float
    end_codes: np.ndarray
    end_probs: np.ndarray
    exit_codes: np.ndarray
    exit_probs: np.ndarray
    exit_share: float
    reference_days: float
    version_days: np.ndarray  # valid_from of each lead-time version
    targets: np.ndarray  # [version, suffix, extended] → days, -1 for no target
    role: int


# Units: one per role and hospital in every county.
ROLES = (
    "Kirurgkliniken",
    "Urologkliniken",
    "Onkologkliniken",
    "Kvinnokliniken",
    "Medicinkliniken",
    "Öron-näs-halskliniken",
    "Hudkliniken",
    "Diagnostiskt centrum",
)
ROLE_BY_PREFIX = {"VJ1": 1, "VK1": 1, "VH4": 3, "VA9": 5, "VE0": 6, "VP8": 7}
ROLE_ONCOLOGY, ROLE_MEDICINE = 2, 4


def pathway_infos(cat: Catalog) -> list[PathwayInfo]:
    """The pathways the demo uses: a KVÅ prefix and at least one sourced lead time."""
    infos = []
    for pathway in cat.pathways.values():
        if not pathway.kva_prefix:
            continue
        if not any(v.basic or v.extended for v in pathway.lead_times):
            continue
        infos.append(_info(cat, pathway))
    if not infos:
        raise ValueError("the catalogue has no pathway with a KVÅ prefix and a lead time")
    return infos


def _info(cat: Catalog, pathway: Pathway) -> PathwayInfo:
    params = story.PATHWAYS.get(pathway.kva_prefix or "", story.DEFAULT_PATHWAY)
    ends = {s: w for s, w in params.ends.items() if s in pathway.end_suffixes}
    if not ends:
        ends = {s: 1.0 for s in pathway.end_suffixes}
    symptom = set(pathway.end_suffixes) <= {72, 78}
    exits = story.AOS_EXIT_MIX if symptom else story.EXIT_MIX
    exits = {s: w for s, w in exits.items() if s not in pathway.end_suffixes}

    versions = pathway.lead_times
    targets = np.full((max(len(versions), 1), SLOTS, 2), -1, dtype=np.int64)
    all_days = []
    for v_index, version in enumerate(versions):
        for suffix in set(ends) | set(exits):
            for ext in (0, 1):
                days = cat.target_days(pathway.id, version.valid_from, suffix, bool(ext))
                if days is not None:
                    targets[v_index, suffix, ext] = days
                    all_days.append(days)
    return PathwayInfo(
        id=pathway.id,
        prefix=pathway.kva_prefix or "",
        end_suffixes=tuple(pathway.end_suffixes),
        extended_marker=pathway.extended_marker,
        mdk_measured=pathway.mdk_measured,
        in_register=bool(pathway.icd10),
        volume=params.volume,
        effect=params.effect,
        age=params.age,
        male=params.male,
        end_codes=np.array(list(ends), dtype=np.int64),
        end_probs=_normalised(ends.values()),
        exit_codes=np.array(list(exits), dtype=np.int64),
        exit_probs=_normalised(exits.values()),
        exit_share=story.AOS_EXIT_SHARE if symptom else story.EXIT_SHARE,
        reference_days=float(np.median(all_days)) if all_days else 35.0,
        version_days=np.array([day_number(v.valid_from) for v in versions], dtype=np.int64),
        targets=targets,
        role=ROLE_BY_PREFIX.get(pathway.kva_prefix or "", 0),
    )


def _normalised(weights) -> np.ndarray:
    array = np.array(list(weights), dtype=float)
    return array / array.sum()


def expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class World:
    """Fixed inputs of a run: geography, pathways, dates and the random generator."""

    cat: Catalog
    rng: np.random.Generator
    # The further registrations (see _further_registrations) draw from their own stream, so that
    # everything drawn from ``rng`` is the same with or without them.
    further_rng: np.random.Generator
    counties: list[str]
    populations: np.ndarray
    parents: list[str]
    pathways: list[PathwayInfo]
    first_day: int
    cutoff: int
    scale: float
    hospitals: list[int] = field(default_factory=list)  # number of hospitals per county

    def county_index(self, code: str) -> int:
        return self.counties.index(code)


@dataclass
class Instances:
    """One element per pathway instance (arrays of equal length)."""

    patient: np.ndarray
    home: np.ndarray  # county index of residence (lan)
    pathway: np.ndarray  # index into World.pathways
    start: np.ndarray
    end: np.ndarray
    end_suffix: np.ndarray
    national: np.ndarray  # closed by a national end (if closed at all)
    extended: np.ndarray
    starter: np.ndarray  # county that reports the start
    finisher: np.ndarray  # county that reports the end
    transfer: np.ndarray  # transferred with 90/91
    hospital: np.ndarray  # hospital of the home region
    d22: np.ndarray
    d25: np.ndarray
    d35: np.ndarray
    d40: np.ndarray
    d44: np.ndarray
    d90: np.ndarray
    d91: np.ndarray

    def __len__(self) -> int:
        return int(self.patient.shape[0])

    @staticmethod
    def concat(parts: list[Instances]) -> Instances:
        names = Instances.__dataclass_fields__
        return Instances(**{n: np.concatenate([getattr(p, n) for p in parts]) for n in names})


@dataclass
class Patients:
    """One element per patient."""

    birth: np.ndarray
    male: np.ndarray
    samordning: np.ndarray


@dataclass
class Events:
    """One element per event row of the deliveries (before formatting)."""

    instance: np.ndarray
    suffix: np.ndarray
    day: np.ndarray
    reporter: np.ndarray  # county index
    unit: np.ndarray  # index into the units of the reporter: hospital * len(ROLES) + role
    injected: np.ndarray  # '' or the kind of injected warning

    @classmethod
    def registered(
        cls,
        world: World,
        inst: Instances,
        instance: np.ndarray,
        suffix: np.ndarray,
        day: np.ndarray,
        reporter: np.ndarray,
    ) -> Events:
        """Plain registrations (no injected warning), each at its reporter's unit."""
        return cls(
            instance=instance,
            suffix=suffix,
            day=day,
            reporter=reporter,
            unit=_units(world, inst, instance, suffix, reporter),
            injected=np.full(instance.shape[0], "", dtype=object),
        )


@dataclass
class Simulation:
    """The drawn data set: what the writers format into files."""

    world: World
    instances: Instances
    patients: Patients
    events: Events
    duplicate_rows: np.ndarray  # event indices whose rows appear twice in their file
    # The last ``further`` events are the rows beyond the measurement points (later 25/35/40,
    # 22 between 25 and 40; see _further_registrations); the ones before them are the first.
    further: int = 0


# --- volume -------------------------------------------------------------------------------


def _year_volume(year: int) -> float:
    first, last = min(story.YEAR_VOLUME), max(story.YEAR_VOLUME)
    if year > last:
        return story.YEAR_VOLUME[last] * (1 + story.YEAR_VOLUME_GROWTH) ** (year - last)
    return story.YEAR_VOLUME[max(year, first)]


def _draw_starts(world: World) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Primary instances: home county, pathway and start day, by Poisson counts per month."""
    rng = world.rng
    first = np.datetime64(EPOCH, "D") + world.first_day
    last = np.datetime64(EPOCH, "D") + world.cutoff
    months = np.arange(first.astype("datetime64[M]"), last.astype("datetime64[M]") + 1)
    month_first = months.astype("datetime64[D]").astype(np.int64)
    month_len = (months + 1).astype("datetime64[D]").astype(np.int64) - month_first
    years = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month_of_year = months.astype(np.int64) % 12
    month_factor = np.array(story.MONTH_VOLUME)
    month_factor = month_factor / month_factor.mean()
    per_month = (
        story.NATIONAL_PATHWAYS_PER_YEAR
        * story.PRIMARY_SHARE
        * world.scale
        / 12.0
        * np.array([_year_volume(int(y)) for y in years])
        * month_factor[month_of_year]
    )
    rate = np.array([story.COUNTY_RATE.get(c, 1.0) for c in world.counties])
    county_weight = world.populations * rate
    county_weight = county_weight / county_weight.sum()
    volume = np.array([p.volume for p in world.pathways])
    mix = volume / volume.sum()
    lam = county_weight[:, None, None] * per_month[None, :, None] * mix[None, None, :]
    counts = rng.poisson(lam).ravel()
    cell = np.repeat(np.arange(counts.shape[0]), counts)
    n_months, n_pathways = month_first.shape[0], len(world.pathways)
    county = cell // (n_months * n_pathways)
    month = (cell // n_pathways) % n_months
    pathway = cell % n_pathways
    start = month_first[month] + np.floor(rng.random(cell.shape[0]) * month_len[month]).astype(
        np.int64
    )
    start = _to_weekday(start, rng)
    start = np.clip(start, world.first_day, world.cutoff)
    return county, pathway, start


def _weekday(day: np.ndarray) -> np.ndarray:
    return (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0


def _to_weekday(day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Most clinical decisions happen on weekdays: move 90 % of weekend dates."""
    weekday = _weekday(day)
    move = rng.random(day.shape[0]) < 0.9
    return np.where(move & (weekday == 5), day - 1, np.where(move & (weekday == 6), day + 1, day))


# --- lead-time targets ----------------------------------------------------------------------


def target_days(
    world: World, pathway: np.ndarray, day: np.ndarray, suffix: np.ndarray, extended: np.ndarray
) -> np.ndarray:
    """Catalogue target in days for each instance ending on ``day`` with ``suffix``; -1 if none."""
    out = np.full(pathway.shape[0], -1, dtype=np.int64)
    for k, info in enumerate(world.pathways):
        mask = pathway == k
        if not mask.any() or info.version_days.shape[0] == 0:
            continue
        version = np.searchsorted(info.version_days, day[mask], side="right") - 1
        values = info.targets[np.maximum(version, 0), suffix[mask], extended[mask].astype(np.int64)]
        out[mask] = np.where(version >= 0, values, -1)
    return out


def _half_year_index(day: np.ndarray) -> np.ndarray:
    months = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return (months // 12 - 49) * 2 + (months % 12 >= 6)  # 0 = 2019H1


def _national_within(half_year: int) -> float:
    year, half = 2019 + half_year // 2, half_year % 2 + 1
    return story.NATIONAL_WITHIN.get(f"{year}H{half}", story.NATIONAL_WITHIN_LATER)


def calibrate(offsets: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Intercept per group so that the mean of expit(a + offset) hits the national share."""
    wanted = np.array([_national_within(g) for g in range(n_groups)])
    size = np.bincount(group, minlength=n_groups).astype(float)
    low, high = np.full(n_groups, -8.0), np.full(n_groups, 8.0)
    for _ in range(40):
        mid = (low + high) / 2
        share = np.bincount(group, expit(mid[group] + offsets), minlength=n_groups)
        too_high = share > wanted * size
        high = np.where(too_high, mid, high)
        low = np.where(too_high, low, mid)
    return (low + high) / 2


# --- instances ------------------------------------------------------------------------------


def _categorical(rng: np.random.Generator, codes: np.ndarray, probs: np.ndarray, n: int):
    return codes[np.searchsorted(np.cumsum(probs), rng.random(n) * probs.sum(), side="right")]


def _build(
    world: World,
    patient: np.ndarray,
    home: np.ndarray,
    pathway: np.ndarray,
    start: np.ndarray,
    intercepts: np.ndarray | None,
) -> tuple[Instances, np.ndarray]:
    """Outcome, lead time, regions and dates of the instances whose start is given."""
    rng = world.rng
    n = patient.shape[0]
    infos = world.pathways

    # Outcome: treatment end (national) or avslut (exit).
    exit_share = np.array([p.exit_share for p in infos])[pathway]
    national = rng.random(n) >= exit_share
    end_suffix = np.zeros(n, dtype=np.int64)
    for k, info in enumerate(infos):
        m_nat = (pathway == k) & national
        m_exit = (pathway == k) & ~national
        end_suffix[m_nat] = _categorical(rng, info.end_codes, info.end_probs, int(m_nat.sum()))
        if info.exit_codes.shape[0]:
            end_suffix[m_exit] = _categorical(
                rng, info.exit_codes, info.exit_probs, int(m_exit.sum())
            )
        else:
            national[m_exit] = True
            end_suffix[m_exit] = _categorical(
                rng, info.end_codes, info.end_probs, int(m_exit.sum())
            )
    has_marker = np.array([p.extended_marker is not None for p in infos])[pathway]
    extended = has_marker & national & (rng.random(n) < story.EXTENDED_SHARE)

    # Who treats: home region, a whole pathway elsewhere, or a transfer for surgery.
    out_of_region = rng.random(n) < story.OUT_OF_REGION_SHARE
    elsewhere = np.array([world.county_index(c) for c in _elsewhere_targets(world)])
    transfer_to = np.array(
        [world.county_index(story.TRANSFERS.get(c, c)) for c in world.counties], dtype=np.int64
    )
    specialised = np.array([p.prefix in story.TRANSFER_SPECIALISED for p in infos])[pathway]
    other_share = np.array([story.TRANSFER_SHARE_OTHER.get(c, 0.0) for c in world.counties])
    transfer_share = np.where(specialised, story.TRANSFER_SHARE_SPECIALISED, other_share[home]) * (
        transfer_to[home] != home
    )
    transfer = national & (end_suffix == 50) & ~out_of_region & (rng.random(n) < transfer_share)
    starter = np.where(out_of_region, elsewhere[home], home)
    finisher = np.where(transfer, transfer_to[home], starter)

    # Lead time: log-logistic around the target, with the chance of meeting it set by the
    # calibrated logit (see story.py): P(lead time <= target) = expit(logit).
    reference = np.array([p.reference_days for p in infos])[pathway]
    approx_end = start + np.round(reference).astype(np.int64)
    target0 = target_days(world, pathway, approx_end, end_suffix, extended)
    county_effect = np.array([story.COUNTY_EFFECT.get(c, 0.0) for c in world.counties])
    effect_county = np.where(transfer, home, finisher)
    offsets = (
        county_effect[effect_county]
        + np.array([p.effect for p in infos])[pathway]
        + np.where(transfer, story.TRANSFER_EFFECT, 0.0)
        + np.where(_month(approx_end) == 6, story.SUMMER_EFFECT, 0.0)
    )
    half = np.clip(_half_year_index(approx_end), 0, None)
    n_groups = int(half.max(initial=0)) + 1
    if intercepts is None:
        counted = national & (target0 >= 0)
        intercepts = calibrate(offsets[counted], half[counted], n_groups)
    if intercepts.shape[0] < n_groups:
        intercepts = np.r_[intercepts, np.full(n_groups - intercepts.shape[0], intercepts[-1])]
    logit = intercepts[half] + offsets
    noise = rng.logistic(size=n)

    def lead(base: np.ndarray) -> np.ndarray:
        days = np.floor((base + 1.0) * np.exp(story.LOG_SPREAD * (noise - logit)))
        return np.clip(days, 1, 300).astype(np.int64)

    base = np.where(target0 >= 0, target0, reference)
    lead_time = lead(base)
    target1 = target_days(world, pathway, start + lead_time, end_suffix, extended)
    changed = (target1 >= 0) & (target1 != target0)
    lead_time = np.where(changed, lead(np.where(target1 >= 0, target1, reference)), lead_time)
    # Avslut come sooner and do not follow the target.
    exit_days = np.floor((reference + 1.0) * np.exp(0.35 * rng.logistic(size=n) - 0.3)).astype(
        np.int64
    )
    lead_time = np.where(national, lead_time, np.clip(exit_days, 1, 200))
    end = start + lead_time
    # Treatment rarely starts at a weekend: move a pathway within its lead time to the Friday
    # before and one beyond it to the Monday after, so that the move never changes which side
    # of the target it falls on.
    weekday = _weekday(end)
    earlier = noise < logit
    friday = np.where(weekday == 5, end - 1, np.where(weekday == 6, end - 2, end))
    monday = np.where(weekday == 5, end + 2, np.where(weekday == 6, end + 1, end))
    end = np.maximum(np.where(earlier, friday, monday), start)
    lead_time = end - start

    # Points inside the pathway.
    surgery = end_suffix == 50
    alpha = np.where(surgery[:, None], story.SPLIT_WEIGHTS_SURGERY, story.SPLIT_WEIGHTS)
    parts = rng.gamma(alpha)
    parts = parts / parts.sum(axis=1, keepdims=True)
    d25 = start + np.round(parts[:, 0] * lead_time).astype(np.int64)
    d40 = start + np.round((parts[:, 0] + parts[:, 1]) * lead_time).astype(np.int64)
    has25 = rng.random(n) < np.where(national, story.VISIT_SHARE, 0.85)
    has40 = rng.random(n) < np.where(national, story.DIAGNOSIS_SHARE, 0.5)
    mdk_measured = np.array([p.mdk_measured for p in infos])[pathway]
    mdk_share = np.array([story.MDK_SHARE.get(c, story.MDK_SHARE_DEFAULT) for c in world.counties])
    has35 = mdk_measured & (rng.random(n) < np.where(national, mdk_share[finisher], 0.2))
    d35 = d25 + np.round(rng.uniform(0.3, 1.0, n) * (d40 - d25)).astype(np.int64)
    d44 = d40 + np.round(rng.uniform(0.2, 0.9, n) * (end - d40)).astype(np.int64)
    diagnostic = np.array([p.prefix in story.DIAGNOSTIC_SURGERY_PREFIXES for p in infos])[pathway]
    has22 = diagnostic & (rng.random(n) < story.DIAGNOSTIC_SURGERY_SHARE)
    d22 = d25 + np.round(rng.uniform(0.1, 0.9, n) * (d40 - d25)).astype(np.int64)
    d90 = d40 + np.round(rng.uniform(0.0, 0.5, n) * (end - d40)).astype(np.int64)
    d91 = np.minimum(d90 + rng.integers(0, 4, n), end)

    missing = np.int64(-1)
    instances = Instances(
        patient=patient,
        home=home,
        pathway=pathway,
        start=start,
        end=end,
        end_suffix=end_suffix,
        national=national,
        extended=extended,
        starter=starter,
        finisher=finisher,
        transfer=transfer,
        hospital=_hospitals(world, home),
        d22=np.where(has22, d22, missing),
        d25=np.where(has25, d25, missing),
        d35=np.where(has35, d35, missing),
        d40=np.where(has40 | extended | transfer, d40, missing),
        d44=np.where(extended, d44, missing),
        d90=np.where(transfer, d90, missing),
        d91=np.where(transfer, d91, missing),
    )
    return instances, intercepts


def _month(day: np.ndarray) -> np.ndarray:
    return day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12


def _hospitals(world: World, home: np.ndarray) -> np.ndarray:
    """Hospital of the home region: the first (the largest) half the time."""
    count = np.array(world.hospitals)[home]
    first = world.rng.random(home.shape[0]) < 0.5
    other = np.floor(world.rng.random(home.shape[0]) * count).astype(np.int64)
    return np.where(first, 0, other)


def _elsewhere_targets(world: World) -> list[str]:
    """Where a patient treated outside the home region goes: the healthcare region's hub."""
    out = []
    for code, parent in zip(world.counties, world.parents, strict=True):
        hub = story.HUBS.get(parent, code)
        out.append(story.HUB_ALTERNATIVE.get(code, code) if hub == code else hub)
    return out


def _patients(world: World, pathway: np.ndarray, start: np.ndarray) -> Patients:
    rng = world.rng
    n = pathway.shape[0]
    male_share = np.array([p.male for p in world.pathways])[pathway]
    male = rng.random(n) < male_share
    mean_age = np.array([p.age for p in world.pathways])[pathway]
    age_days = np.clip(rng.normal(mean_age, 11.0), 20.0, 97.0) * 365.25
    birth = start - np.round(age_days).astype(np.int64)
    samordning = np.asarray(rng.random(n) < story.SAMORDNINGSNUMMER_SHARE)
    return Patients(birth=birth, male=male, samordning=samordning)


def _follow_ups(world: World, first: Instances, patients: Patients):
    """Second SVF of some patients: a new pathway after avslut 72, or the same one again."""
    rng = world.rng
    infos = world.pathways
    n = len(first)
    symptom = np.array([set(p.end_suffixes) <= {72, 78} for p in infos])

    after72 = (first.end_suffix == 72) & (rng.random(n) < story.FOLLOW_ON_AFTER_72)
    source = np.flatnonzero(after72)
    male = patients.male[first.patient[source]]
    weights = np.array([0.0 if s else p.volume for p, s in zip(infos, symptom, strict=True)])
    male_share = np.array([p.male for p in infos])
    new_pathway = np.empty(source.shape[0], dtype=np.int64)
    for is_male, share in ((True, male_share), (False, 1.0 - male_share)):
        mask = male == is_male
        w = weights * share
        new_pathway[mask] = _categorical(rng, np.arange(len(infos)), w / w.sum(), int(mask.sum()))
    # Never the same pathway again at once: take the most common other one for the sex.
    for is_male, share in ((True, male_share), (False, 1.0 - male_share)):
        order = np.argsort(-(weights * share), kind="stable")
        mask = (male == is_male) & (new_pathway == first.pathway[source])
        new_pathway[mask] = np.where(first.pathway[source][mask] == order[0], order[1], order[0])
    start_a = first.end[source] + rng.integers(0, 11, source.shape[0])

    again = rng.random(n) < story.REPEAT_SAME_PATHWAY
    again &= ~after72
    repeat = np.flatnonzero(again)
    start_b = first.end[repeat] + rng.integers(120, 900, repeat.shape[0])

    src = np.r_[source, repeat]
    pathway = np.r_[new_pathway, first.pathway[repeat]]
    start = _to_weekday(np.r_[start_a, start_b], rng)
    keep = start <= world.cutoff
    src, pathway, start = src[keep], pathway[keep], start[keep]
    return first.patient[src], first.home[src], pathway, start


def simulate(world: World) -> Simulation:
    """Draw the whole national data set."""
    home, pathway, start = _draw_starts(world)
    patients = _patients(world, pathway, start)
    patient = np.arange(home.shape[0], dtype=np.int64)
    first, intercepts = _build(world, patient, home, pathway, start, None)
    f_patient, f_home, f_pathway, f_start = _follow_ups(world, first, patients)
    second, _ = _build(world, f_patient, f_home, f_pathway, f_start, intercepts)
    instances = Instances.concat([first, second])
    events = _events(world, instances)
    events, duplicates = _inject_warnings(world, instances, events)
    further = _further_registrations(world, instances, events)
    return Simulation(
        world=world,
        instances=instances,
        patients=patients,
        events=_append(events, further),
        duplicate_rows=duplicates,
        further=int(further.instance.shape[0]),
    )


# --- events ---------------------------------------------------------------------------------


def _unit_role(world: World, pathway: np.ndarray, suffix: np.ndarray) -> np.ndarray:
    base = np.array([p.role for p in world.pathways])[pathway]
    role = np.where(np.isin(suffix, (52, 54)), ROLE_ONCOLOGY, base)
    return np.where(suffix == 58, ROLE_MEDICINE, role)


def _events(world: World, inst: Instances) -> Events:
    """All events of all instances, each reported by the region that registered it."""
    index = np.arange(len(inst), dtype=np.int64)

    def reporter_for(day: np.ndarray) -> np.ndarray:
        return _reporter(inst, index, day)

    columns: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(mask: np.ndarray, suffix, day: np.ndarray, reporter: np.ndarray) -> None:
        suffixes = np.broadcast_to(np.asarray(suffix, dtype=np.int64), index.shape)
        columns.append((index[mask], suffixes[mask], day[mask], reporter[mask]))

    everyone = np.ones(len(inst), dtype=bool)
    add(everyone, 10, inst.start, inst.starter)
    for name, point in (("d22", 22), ("d25", 25), ("d35", 35), ("d40", 40), ("d44", 44)):
        point_day = getattr(inst, name)
        add(point_day >= 0, point, point_day, reporter_for(point_day))
    add(inst.transfer, 90, inst.d90, inst.starter)
    add(inst.transfer, 91, inst.d91, inst.finisher)
    add(everyone, inst.end_suffix, inst.end, inst.finisher)

    instance = np.concatenate([c[0] for c in columns])
    suffix = np.concatenate([c[1] for c in columns])
    day = np.concatenate([c[2] for c in columns])
    reporter = np.concatenate([c[3] for c in columns])
    keep = day <= world.cutoff
    return Events.registered(world, inst, instance[keep], suffix[keep], day[keep], reporter[keep])


def _reporter(inst: Instances, instance: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Who registers an event of ``instance`` on ``day``.

    A transferred patient's events up to the transfer belong to the sending region; 91, the
    later points and the end to the receiving one.
    """
    after_transfer = inst.transfer[instance] & (day > inst.d90[instance])
    return np.where(after_transfer, inst.finisher[instance], inst.starter[instance])


def _units(world, inst, instance, suffix, reporter) -> np.ndarray:
    # The home region uses the patient's hospital; a receiving region its first hospital.
    at_home = reporter == inst.home[instance]
    hospital = np.where(at_home, inst.hospital[instance], 0)
    return hospital * len(ROLES) + _unit_role(world, inst.pathway[instance], suffix)


def _inject_warnings(world: World, inst: Instances, events: Events):
    """Warning-level problems in the valid deliveries (SPEC §3): a few of each kind per region.

    Only (patient, pathway) pairs with a single instance get them, so each problem is exactly
    one warning and touches no other instance.
    """
    rng = world.rng
    n = len(inst)
    pair = inst.patient * len(world.pathways) + inst.pathway
    _, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    single = counts[inverse] == 1
    closed = inst.end <= world.cutoff
    open_until = np.where(closed, inst.end, world.cutoff)
    first_allowed = world.first_day + 40

    rows: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]] = []
    n_counties = len(world.counties)
    per_county = np.bincount(inst.starter, minlength=n_counties)
    wanted = np.maximum(1, np.round(per_county / story.WARNING_EVERY)).astype(np.int64)

    def pick(candidates: np.ndarray, by_county: np.ndarray) -> np.ndarray:
        chosen = []
        for c in range(n_counties):
            pool = np.flatnonzero(candidates & (by_county == c))
            if pool.shape[0]:
                chosen.append(rng.choice(pool, size=min(wanted[c], pool.shape[0]), replace=False))
        return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)

    # Duplicate start: the 10 registered again a few days later.
    dup = pick(single & (open_until - inst.start >= 4) & ~inst.transfer, inst.starter)
    gap = np.minimum(open_until[dup] - inst.start[dup] - 1, 10)
    day = inst.start[dup] + 1 + np.floor(rng.random(dup.shape[0]) * gap).astype(np.int64)
    rows.append((dup, np.full(dup.shape[0], 10), day, inst.starter[dup], "dubblettstart"))

    # An event registered after the end (e.g. a late MDK or a second end code).
    late_ok = single & closed & (inst.end + 30 <= world.cutoff)
    late = pick(late_ok, inst.finisher)
    day = inst.end[late] + rng.integers(1, 31, late.shape[0])
    suffix = np.where(rng.random(late.shape[0]) < 0.5, 35, 40)
    rows.append((late, suffix, day, inst.finisher[late], "handelse_efter_slut"))

    # Slut före start: an end code dated before the start of the same pathway.
    early_ok = single & (inst.start - 30 >= first_allowed) & ~inst.transfer
    early = pick(early_ok & ~np.isin(np.arange(n), dup), inst.starter)
    day = inst.start[early] - rng.integers(3, 30, early.shape[0])
    first_end = np.array([p.end_suffixes[0] for p in world.pathways])[inst.pathway[early]]
    suffix = np.where(rng.random(early.shape[0]) < 0.5, 78, first_end)
    rows.append((early, suffix, day, inst.starter[early], "slut_fore_start"))

    extra_instance = np.concatenate([r[0] for r in rows]).astype(np.int64)
    extra_suffix = np.concatenate([r[1] for r in rows]).astype(np.int64)
    extra_day = np.concatenate([r[2] for r in rows]).astype(np.int64)
    extra_reporter = np.concatenate([r[3] for r in rows]).astype(np.int64)
    extra_kind = np.concatenate([np.full(r[0].shape[0], r[4], dtype=object) for r in rows])
    merged = Events(
        instance=np.r_[events.instance, extra_instance],
        suffix=np.r_[events.suffix, extra_suffix],
        day=np.r_[events.day, extra_day],
        reporter=np.r_[events.reporter, extra_reporter],
        unit=np.r_[events.unit, _units(world, inst, extra_instance, extra_suffix, extra_reporter)],
        injected=np.r_[events.injected, extra_kind],
    )

    # Exact duplicate rows: some ordinary rows of each region exported twice.
    ordinary = np.flatnonzero(events.injected == "")
    per_reporter = events.reporter[ordinary]
    duplicates = []
    for c in range(n_counties):
        pool = ordinary[per_reporter == c]
        if pool.shape[0]:
            duplicates.append(rng.choice(pool, size=min(wanted[c], pool.shape[0]), replace=False))
    duplicate_rows = np.sort(np.concatenate(duplicates)) if duplicates else np.zeros(0, np.int64)
    return merged, duplicate_rows


# --- further registrations -----------------------------------------------------------------

DAY_BITS = 16  # days since 1970 fit in 16 bits until 2149


def _event_keys(instance: np.ndarray, suffix: np.ndarray, day: np.ndarray) -> np.ndarray:
    return ((instance * SLOTS + suffix) << DAY_BITS) | day


def _further_registrations(world: World, inst: Instances, events: Events) -> Events:
    """Rows beyond the measurement points: later registrations inside the pathway.

    Real deliveries carry more rows than the measurement points need (story.FURTHER): further
    MDK conferences (35) after the first, another specialist visit (25) after the first, more
    results conversations (40) after the first, and diagnostic procedures (22) between the
    first visit and the diagnosis. Each row is dated strictly after the first registration of
    its point (25 for a 22, so after the start), on or before the end, the cut-off and a
    transfer, and is never a copy of another row of the instance. SPEC §4–§5 use the first 25,
    the first 40, any 35 on or before the end and the extended marker (44, never added here),
    and no indicator uses 22, so the instances, their points, lead times and warnings are
    exactly those without these rows.
    """
    rng = world.further_rng
    # A transferred patient's further rows are registered before the transfer, by the region
    # that holds the start: in the receiving region's delivery, which has no start, they would
    # be orphans when the delivery is checked on its own.
    last = np.minimum(inst.end, world.cutoff)
    last = np.where(inst.transfer, np.minimum(last, inst.d90), last)
    index = np.arange(len(inst), dtype=np.int64)
    diagnostic = np.array([p.prefix in story.DIAGNOSTIC_SURGERY_PREFIXES for p in world.pathways])
    windows = {
        # suffix: (first registration, or -1 if none; last allowed day)
        25: (inst.d25, last),
        22: (np.where(inst.d40 >= 0, inst.d25, -1), np.minimum(inst.d40 - 1, last)),
        35: (inst.d35, last),
        40: (inst.d40, last),
    }
    keys = []
    for suffix, (first, until) in windows.items():
        # the mean number of rows: one for all, or per instance for suffix 22
        mean: float | np.ndarray = story.FURTHER[suffix]
        if suffix == 22:
            mean = np.where(diagnostic[inst.pathway], story.FURTHER_22_DIAGNOSTIC, mean)
        room = np.where(first >= 0, np.maximum(until - first, 0), 0)
        count = np.minimum(rng.poisson(mean, len(inst)), room)
        instance = np.repeat(index, count)
        low, high = first[instance], until[instance]
        day = low + 1 + np.floor(rng.random(instance.shape[0]) * (high - low)).astype(np.int64)
        day = _weekday_within(day, low, high)
        keys.append(_event_keys(instance, np.full(instance.shape[0], suffix), day))
    existing = _event_keys(events.instance, events.suffix, events.day)
    unique = np.unique(np.concatenate(keys))
    unique = unique[~np.isin(unique, existing)]
    day = unique & ((1 << DAY_BITS) - 1)
    instance, suffixes = np.divmod(unique >> DAY_BITS, SLOTS)
    return Events.registered(world, inst, instance, suffixes, day, _reporter(inst, instance, day))


def _weekday_within(day: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Weekend days moved to the nearest weekday inside (low, high], where there is one."""
    weekday = _weekday(day)
    friday = day - np.where(weekday == 5, 1, 2)
    monday = day + np.where(weekday == 5, 2, 1)
    nearer = np.where(weekday == 5, friday, monday)
    other = np.where(weekday == 5, monday, friday)
    moved = np.where(
        (nearer > low) & (nearer <= high),
        nearer,
        np.where((other > low) & (other <= high), other, day),
    )
    return np.where(weekday >= 5, moved, day)


def _append(events: Events, more: Events) -> Events:
    names = Events.__dataclass_fields__
    return Events(**{n: np.r_[getattr(events, n), getattr(more, n)] for n in names})
