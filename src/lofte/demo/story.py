"""The story the synthetic data tell, as numbers.

Everything the generator calibrates against lives here, so that a reader can see what the demo
data set claims and where it comes from. The figures marked *seed* are from the RCC Sydöst annual
report 2024 (seed 000) or from the sources compiled in ``research/``; every other number is an
invented but plausible assumption that only serves to make the data look lived-in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOTICE = "Syntetiska data – inga verkliga patienter"
FILE_PREFIX = "SYNTETISK_"

# Volume: about 70 000 SVF pathways a year in the nation (2023 = 1.0), spread by population.
NATIONAL_PATHWAYS_PER_YEAR = 70_000
QUICK_SCALE = 0.045
# Fewer new SVF in the pandemic year 2020, a slow rise since.
YEAR_VOLUME = {2019: 0.93, 2020: 0.86, 2021: 0.95, 2022: 0.97, 2023: 1.0, 2024: 1.02}
YEAR_VOLUME_GROWTH = 0.02  # per year after the last listed year
# Fewer starts in the Swedish summer holiday and at Christmas.
MONTH_VOLUME = (1.0, 1.02, 1.08, 1.0, 1.05, 1.0, 0.7, 0.9, 1.08, 1.1, 1.08, 0.89)
# Relative SVF rate per inhabitant; Sydöst had about 6 800 pathways in 2023 (seed 000 context),
# a little under its population share.
COUNTY_RATE = {"05": 0.94, "06": 0.94, "08": 0.94}

# Share of the national-end closings within the lead time, for the whole nation, by the half-year
# in which the pathway ends (seed: 40 % in 2023, 45 % in 2024H1; 2020 was better than the years
# around it because fewer patients were investigated). The 2019 values are set below the
# share they produce: prostate loses its lead time on 2020-01-01, so only its quicker 2019
# pathways keep a target, which lifts 2019 by about three points.
NATIONAL_WITHIN = {
    "2019H1": 0.36,
    "2019H2": 0.34,
    "2020H1": 0.47,
    "2020H2": 0.45,
    "2021H1": 0.36,
    "2021H2": 0.36,
    "2022H1": 0.35,
    "2022H2": 0.36,
    "2023H1": 0.40,
    "2023H2": 0.40,
    "2024H1": 0.45,
    "2024H2": 0.45,
    "2025H1": 0.46,
    "2025H2": 0.46,
}
NATIONAL_WITHIN_LATER = 0.47

# Logit effects on the chance of meeting the lead time. Sydöst: seed 000 gives 35 % (2023) and
# 39 % (2024) for the healthcare region; Kalmar best and Östergötland worst is the demo's story.
COUNTY_EFFECT = {
    "01": -0.05,
    "03": -0.15,
    "04": 0.05,
    "05": -0.60,
    "06": -0.25,
    "07": 0.20,
    "08": 0.30,
    "09": 0.10,
    "10": 0.15,
    "12": -0.10,
    "13": 0.25,
    "14": -0.05,
    "17": 0.10,
    "18": 0.0,
    "19": 0.10,
    "20": 0.30,
    "21": -0.20,
    "22": 0.05,
    "23": 0.20,
    "24": -0.10,
    "25": 0.15,
}
TRANSFER_EFFECT = -0.35  # a transfer to another region for surgery costs time
SUMMER_EFFECT = -0.30  # pathways ending in July
LOG_SPREAD = 0.30  # scale of the logistic noise on log lead time


@dataclass(frozen=True)
class PathwayStory:
    """How one pathway behaves in the demo."""

    volume: float  # relative number of pathways
    effect: float  # logit effect on meeting the lead time
    age: float  # mean age at start
    male: float  # share of men
    ends: dict[int, float] = field(default_factory=dict)  # mix of national end points


# Pathways by KVÅ prefix: relative volume, logit effect on meeting the lead time, mean age, share
# of men, and the mix of treatment end points. A pathway of the catalogue with a KVÅ prefix and a
# sourced lead time but missing here gets the defaults.
DEFAULT_PATHWAY = PathwayStory(
    volume=1.0,
    effect=0.0,
    age=68.0,
    male=0.5,
    ends={50: 0.45, 52: 0.18, 54: 0.10, 58: 0.12, 59: 0.05, 60: 0.05, 73: 0.05},
)
PATHWAYS = {
    # Breast: ≈ 60 % within the lead time (demo story).
    "VG9": PathwayStory(
        volume=13.0,
        effect=0.95,
        age=62.0,
        male=0.01,
        ends={50: 0.78, 52: 0.15, 54: 0.02, 58: 0.02, 59: 0.01, 60: 0.02},
    ),
    # Prostate: ≈ 20 % within the lead time where the catalogue has one (demo story).
    "VJ1": PathwayStory(
        volume=15.0,
        effect=-1.05,
        age=70.0,
        male=1.0,
        ends={50: 0.22, 52: 0.15, 54: 0.18, 58: 0.05, 59: 0.05, 60: 0.35},
    ),
    "VP8": PathwayStory(
        volume=11.0,
        effect=0.30,
        age=70.0,
        male=0.48,
        ends={72: 0.25, 78: 0.75},
    ),
    "VB2": PathwayStory(
        volume=9.0,
        effect=-0.40,
        age=71.0,
        male=0.54,
        ends={50: 0.58, 52: 0.06, 54: 0.12, 58: 0.10, 59: 0.05, 60: 0.02, 73: 0.07},
    ),
    "VK1": PathwayStory(
        volume=7.0,
        effect=-0.30,
        age=73.0,
        male=0.75,
        ends={50: 0.60, 52: 0.08, 54: 0.05, 58: 0.07, 59: 0.05, 73: 0.15},
    ),
    "VE0": PathwayStory(
        volume=7.0,
        effect=0.20,
        age=64.0,
        male=0.52,
        ends={50: 0.75, 52: 0.03, 54: 0.01, 59: 0.03, 60: 0.03, 73: 0.15},
    ),
    "VA9": PathwayStory(
        volume=3.5,
        effect=-0.20,
        age=65.0,
        male=0.68,
        ends={50: 0.35, 52: 0.05, 54: 0.35, 58: 0.15, 59: 0.10},
    ),
    "VB6": PathwayStory(
        volume=2.5,
        effect=0.0,
        age=71.0,
        male=0.5,
        ends={50: 0.30, 52: 0.30, 54: 0.02, 58: 0.33, 60: 0.05},
    ),
    "VB0": PathwayStory(
        volume=2.0,
        effect=-0.10,
        age=70.0,
        male=0.68,
        ends={50: 0.30, 52: 0.30, 54: 0.07, 58: 0.28, 60: 0.05},
    ),
    "VH4": PathwayStory(
        volume=1.5,
        effect=0.30,
        age=63.0,
        male=0.0,
        ends={50: 0.70, 52: 0.25, 58: 0.05},
    ),
    "VB4": PathwayStory(
        volume=1.2,
        effect=0.0,
        age=70.0,
        male=0.65,
        ends={50: 0.20, 52: 0.25, 58: 0.40, 60: 0.15},
    ),
    "VB5": PathwayStory(
        volume=0.6,
        effect=0.0,
        age=72.0,
        male=0.4,
        ends={50: 0.35, 52: 0.25, 58: 0.40},
    ),
}

EXIT_SHARE = 0.15  # ≈ 15 % of pathways end with an avslut, not a treatment
AOS_EXIT_SHARE = 0.10
EXIT_MIX = {78: 0.55, 72: 0.15, 70: 0.12, 74: 0.12, 76: 0.06}
AOS_EXIT_MIX = {70: 0.5, 74: 0.35, 76: 0.15}
EXTENDED_SHARE = 0.20  # utökad utredning where the pathway has an extended marker

# Points of the pathway (share of instances that have them).
VISIT_SHARE = 0.96  # 25
DIAGNOSIS_SHARE = 0.95  # 40
DIAGNOSTIC_SURGERY_SHARE = 0.10  # 22, for the pathways below
DIAGNOSTIC_SURGERY_PREFIXES = ("VE0", "VH4", "VA9")
# MDK (35) among national-end closings of mdk_measured pathways; seed 000: ≈ 90 % for Sydöst,
# Jönköping 95, Kalmar 88.
MDK_SHARE = {"05": 0.89, "06": 0.95, "08": 0.88}
MDK_SHARE_DEFAULT = 0.90
# Further registrations: real deliveries register more than the measurement points need, e.g.
# further MDK conferences (35) before treatment, another specialist visit (25) at the treating
# clinic, more than one results conversation (40), diagnostic procedures (22) between the first
# visit and the diagnosis. Mean number per instance that has the first 25/35/40 (for 22: both
# the 25 and the 40), as far as the days in between allow. Only the first of each point counts
# (SPEC §4–§5), so these only add rows: about 7 events per pathway instead of 4.5 (issue 2's
# "700 000 pathways, 5 million events" over ten years).
FURTHER = {25: 0.8, 22: 0.8, 35: 1.2, 40: 0.55}
FURTHER_22_DIAGNOSTIC = 1.5  # 22 in the pathways with diagnostic surgery (above)
# Splits of the lead time into 10→25, 25→40, 40→end (Dirichlet weights): where the time is lost.
SPLIT_WEIGHTS = (3.0, 6.0, 6.0)
SPLIT_WEIGHTS_SURGERY = (3.0, 5.0, 8.0)

# Inclusion: register new cases ≈ national-end closings / inclusion (seed 000: Sydöst 87 %).
INCLUSION = {"05": 0.87, "06": 0.88, "08": 0.86}
INCLUSION_DEFAULT = 0.85

# Transfers for treatment in another region, with Vxx90 (sending) and Vxx91 (receiving). Sydöst
# sends specialised surgery to Linköping; Gotland sends patients to Stockholm.
TRANSFERS = {"06": "05", "08": "05", "09": "01"}
TRANSFER_SPECIALISED = ("VB0", "VB6", "VB4", "VB5", "VH4", "VA9")
TRANSFER_SHARE_SPECIALISED = 0.65  # of surgery ends (50) in those pathways
TRANSFER_SHARE_OTHER = {"06": 0.04, "08": 0.05, "09": 0.30}  # of other surgery ends
OUT_OF_REGION_SHARE = 0.02  # patients treated wholly by another region, without 90/91

# Patients who come back: after an avslut "annan cancer" (72), often a new SVF at once; and a
# few who go through the same SVF again later.
FOLLOW_ON_AFTER_72 = 0.5
REPEAT_SAME_PATHWAY = 0.015
SAMORDNINGSNUMMER_SHARE = 0.01

# Warning-level problems injected into the valid deliveries, per county and kind: about one per
# WARNING_EVERY instances of the county, at least one.
WARNING_EVERY = 2500

# Share of the yearly volume that is a patient's first SVF; the rest are follow-ups (above).
PRIMARY_SHARE = 0.96

# Patients treated wholly outside their home region go to the healthcare region's university
# hospital region, or, when they live there, to the nearest other one.
HUBS = {
    "norra": "24",
    "mellansverige": "03",
    "stockholm-gotland": "01",
    "sydost": "05",
    "syd": "12",
    "vast": "14",
}
HUB_ALTERNATIVE = {"24": "22", "03": "01", "01": "03", "05": "06", "12": "07", "14": "13"}

# HSA-like unit ids: "SE" + the region's organisation number + "-E" + a serial. The numbers
# follow the regions' 232100-xxxx pattern; they are only meant to look right.
ORGANISATION = {
    "01": "2321000016",
    "03": "2321000024",
    "04": "2321000032",
    "05": "2321000040",
    "06": "2321000057",
    "07": "2321000065",
    "08": "2321000073",
    "09": "2120000944",
    "10": "2321000081",
    "12": "2321000255",
    "13": "2321000115",
    "14": "2321000131",
    "17": "2321000156",
    "18": "2321000164",
    "19": "2321000172",
    "20": "2321000180",
    "21": "2321000198",
    "22": "2321000206",
    "23": "2321000214",
    "24": "2321000222",
    "25": "2321000230",
}
# Hospitals per region (the first is the largest); unit names are role + hospital.
HOSPITALS = {
    "01": ("Karolinska Universitetssjukhuset", "Södersjukhuset", "Danderyds sjukhus"),
    "03": ("Akademiska sjukhuset", "Lasarettet i Enköping"),
    "04": ("Mälarsjukhuset Eskilstuna", "Nyköpings lasarett"),
    "05": (
        "Universitetssjukhuset i Linköping",
        "Vrinnevisjukhuset i Norrköping",
        "Lasarettet i Motala",
    ),
    "06": ("Länssjukhuset Ryhov", "Höglandssjukhuset Eksjö", "Värnamo sjukhus"),
    "07": ("Centrallasarettet Växjö", "Ljungby lasarett"),
    "08": ("Länssjukhuset i Kalmar", "Västerviks sjukhus"),
    "09": ("Visby lasarett",),
    "10": ("Blekingesjukhuset Karlskrona",),
    "12": (
        "Skånes universitetssjukhus Lund",
        "Skånes universitetssjukhus Malmö",
        "Helsingborgs lasarett",
    ),
    "13": ("Hallands sjukhus Halmstad", "Hallands sjukhus Varberg"),
    "14": (
        "Sahlgrenska Universitetssjukhuset",
        "Skaraborgs sjukhus Skövde",
        "NU-sjukvården Trollhättan",
    ),
    "17": ("Centralsjukhuset Karlstad",),
    "18": ("Universitetssjukhuset Örebro",),
    "19": ("Västmanlands sjukhus Västerås",),
    "20": ("Falu lasarett",),
    "21": ("Gävle sjukhus", "Hudiksvalls sjukhus"),
    "22": ("Sundsvalls sjukhus", "Örnsköldsviks sjukhus"),
    "23": ("Östersunds sjukhus",),
    "24": ("Norrlands universitetssjukhus", "Skellefteå lasarett"),
    "25": ("Sunderby sjukhus",),
}
DEFAULT_HOSPITALS = ("Länssjukhuset",)
