"""The numbers the demonstration dataset is built from.

Figures marked PUBLISHED are stated in the Strategic Assessment 2020-21 (or follow from
figures it states, by the arithmetic noted beside them) and are reproduced exactly. Every
other number is ILLUSTRATIVE: chosen to be plausible and consistent with what the text says
(which crime types fell, which wards lead), and labelled as such in the data's source column.
"""

from __future__ import annotations

CALIBRATED = "demo: calibrated to Strategic Assessment 2020-21"
ILLUSTRATIVE = "demo: illustrative"

YEARS = (2015, 2016, 2017, 2018, 2019, 2020, 2021)  # 2021 = January to March only

# (crime_type, offence_subgroup) -> totals for YEARS.
# PUBLISHED: 2019 all crime 17,260 and 2020 15,201 (-12%); drugs 415 -> 502 (+21%);
# violent crime (VAP + sexual offences + robbery) 7,722 -> 7,490 (-3%), VAP 92% of it in 2020;
# sexual offences -12% (500 -> 440), robbery -18% (194 -> 159); burglary business and
# community -45% (400 -> 220), the largest fall; every other listed type fell.
# The violent total is the one that makes DA 33% of violent crime (2,473 / 7,490).
CRIME_TOTALS = {
    ("Violence and sexual offences", "Violence against the person"): (4900, 5600, 6400, 6850, 7028, 6891, 1560),
    ("Violence and sexual offences", "Sexual offences"): (330, 380, 450, 480, 500, 440, 100),
    ("Robbery", "Robbery"): (120, 140, 165, 185, 194, 159, 35),
    ("Burglary", "Burglary - residential"): (900, 850, 800, 760, 720, 560, 120),
    ("Burglary", "Burglary - business and community"): (520, 500, 470, 430, 400, 220, 45),
    ("Criminal damage and arson", "Criminal damage and arson"): (1700, 1780, 1860, 1880, 1850, 1650, 390),
    ("Drugs", "Drug offences"): (380, 350, 330, 390, 415, 502, 130),
    ("Other theft", "Theft offences"): (1650, 1700, 1760, 1740, 1700, 1300, 280),
    ("Shoplifting", "Theft offences"): (1100, 1150, 1200, 1260, 1250, 880, 170),
    ("Vehicle crime", "Vehicle offences"): (1000, 1050, 1120, 1130, 1100, 820, 190),
    ("Public order", "Public order offences"): (700, 850, 1050, 1220, 1300, 1120, 270),
    ("Theft from the person", "Theft offences"): (140, 150, 160, 155, 150, 95, 15),
    ("Bicycle theft", "Theft offences"): (200, 190, 185, 175, 170, 124, 22),
    ("Possession of weapons", "Possession of weapons offences"): (110, 125, 150, 165, 173, 160, 40),
    ("Other crime", "Miscellaneous crimes against society"): (260, 280, 300, 305, 310, 280, 65),
}

# Domestic-abuse-flagged crimes by class, for YEARS.
# PUBLISHED (2020 on 2019): all DA 2,732 -> 2,888 (+5.7%; 19.0% of all crime);
# DA violence against the person 2,157 -> 2,368 (+9.8%; 82% of DA);
# DA sexual offences 111 -> 105 (-5.4%); other DA crimes 464 -> 415 (-10.6%).
DA_VAP = (1500, 1700, 1900, 2050, 2157, 2368, 560)
DA_SEXUAL = (80, 90, 100, 105, 111, 105, 25)
DA_OTHER = (380, 400, 430, 450, 464, 415, 100)
#: How "other" DA crimes spread over crime types (illustrative).
DA_OTHER_TYPES = {
    ("Criminal damage and arson", "Criminal damage and arson"): 0.40,
    ("Public order", "Public order offences"): 0.35,
    ("Other crime", "Miscellaneous crimes against society"): 0.15,
    ("Other theft", "Theft offences"): 0.10,
}

# Hate crimes per assessment year (December to November; 2015 = Jan-Nov 2015, 2021 = Dec 2020
# to Mar 2021). PUBLISHED: 383 (Dec 2018-Nov 2019) and 380 (Dec 2019-Nov 2020), race 74% and
# sexual orientation 13% of the latest, no gender or age hate crime in it.
HATE_WINDOWS = {2015: 210, 2016: 260, 2017: 300, 2018: 350, 2019: 383, 2020: 380, 2021: 110}
HATE_STRANDS_2020 = {"Race": 281, "Sexual orientation": 49, "Religion": 20, "Disability": 22, "Transgender": 8}
HATE_STRANDS_2019 = {"Race": 289, "Sexual orientation": 45, "Religion": 18, "Disability": 22, "Transgender": 8, "Age": 1}
HATE_STRAND_SHARES = {"Race": 0.76, "Sexual orientation": 0.11, "Religion": 0.05, "Disability": 0.06, "Transgender": 0.02}

# Relative crime levels by ward (illustrative; the town centre leads, then the task-force and
# Park Wood estates, as the text describes).
WARD_WEIGHTS = {
    "High Street": 16, "Park Wood": 7, "Shepway South": 7, "Shepway North": 6.5, "Bridge": 5.5,
    "Fant": 5, "East": 4.5, "South": 4.5, "Heath": 4, "North": 4, "Allington": 3.5, "Boxley": 3.5,
    "Bearsted": 3, "Coxheath and Hunton": 2.5, "Marden and Yalding": 3, "Harrietsham and Lenham": 2.5,
    "Headcorn": 2, "Staplehurst": 2.5, "Loose": 1.5, "Barming": 1.2,
    "Boughton Monchelsea and Chart Sutton": 1.8, "Detling and Thurnham": 1.5,
    "Downswood and Otham": 1.5, "Leeds": 1.2, "North Downs": 1.2, "Sutton Valence and Langley": 1.8,
}
#: Multipliers on WARD_WEIGHTS for crime types concentrated in the town centre.
TOWN_CENTRE_BOOST = {"Shoplifting": 3.0, "Theft from the person": 3.0, "Public order": 1.5,
                     "Violence and sexual offences": 1.3, "Drugs": 1.8}

# Domestic abuse by ward. PUBLISHED (financial year to date, April-November 2020): High Street,
# Park Wood, Shepway South, Bridge, Shepway North lead in that order; Sutton Valence and Langley
# is the only rural ward in the top ten, up 150% on April-November 2019; Marden and Yalding and
# Downswood and Otham rose notably.
DA_WARD_WEIGHTS = {
    "High Street": 11, "Park Wood": 9.5, "Shepway South": 8.6, "Bridge": 7.6, "Shepway North": 6.8,
    "East": 5.5, "Fant": 5.2, "South": 4.8, "Heath": 4.6, "North": 3.8, "Allington": 3.2,
    "Boxley": 3.0, "Bearsted": 2.4, "Marden and Yalding": 1.8, "Coxheath and Hunton": 2.2,
    "Harrietsham and Lenham": 2.2, "Staplehurst": 2.0, "Headcorn": 1.6, "Downswood and Otham": 1.2,
    "Loose": 1.0, "Barming": 0.8, "Boughton Monchelsea and Chart Sutton": 1.2,
    "Detling and Thurnham": 1.0, "Leeds": 0.8, "North Downs": 0.8, "Sutton Valence and Langley": 1.6,
}
#: April-November 2020 multipliers for the rural rises the text names.
DA_RURAL_RISE_2020 = {"Marden and Yalding": 1.6, "Downswood and Otham": 1.8}
#: Sutton Valence and Langley DA, April-November 2019 and 2020 (PUBLISHED ratio: +150%).
DA_SVL_APR_NOV = {2019: 34, 2020: 85}

# Police-recorded anti-social behaviour incidents (illustrative; up in 2020 with lockdown reports).
ASB_TOTALS = (6200, 5800, 5400, 5100, 4900, 6600, 1450)
ASB_WARD_WEIGHTS = dict(WARD_WEIGHTS, **{"High Street": 14, "Shepway South": 9, "Shepway North": 8, "Park Wood": 8})

# Community Protection Team service requests by category (illustrative levels; shapes as the
# text says: ASB, noise, other nuisance and dog fouling up in 2020, strays down, dangerous dogs
# and street trading level).
SERVICE_TOTALS = {
    "ASB": (420, 440, 460, 480, 500, 760, 150),
    "Noise": (1100, 1120, 1150, 1180, 1200, 1450, 300),
    "Other nuisance": (380, 390, 400, 410, 420, 560, 90),
    "Dangerous dogs": (120, 118, 122, 125, 124, 126, 30),
    "Dog fouling": (160, 150, 145, 140, 135, 190, 45),
    "Stray dogs": (300, 290, 280, 270, 260, 190, 40),
    "Street trading": (25, 24, 26, 25, 27, 26, 5),
}
SUBCATEGORIES = {
    "ASB": {"Neighbour dispute": 4, "Youths gathering": 3, "Drug related": 1, "Harassment": 2, "Other ASB": 2},
    "Noise": {"Amplified music": 4, "Barking": 3, "Domestic (voices, banging)": 3, "Construction": 1.5,
              "Alarms": 1, "Commercial premises": 1, "Other noise": 1},
    "Other nuisance": {"Bonfire smoke": 2, "Odour": 2, "Dust": 1, "Light": 0.6, "Accumulations": 1.4},
    "Dangerous dogs": {"Dog attack": 1, "Dog out of control": 2},
    "Dog fouling": {"Dog fouling": 1},
    "Stray dogs": {"Stray dog": 3, "Lost dog": 1},
    "Street trading": {"Unlicensed trader": 1, "Licensed trader complaint": 1},
}
# PUBLISHED: in May 2020 one construction site's piling brought more than 20 noise complaints,
# more than any other noise type that month. Noise requests in May 2020 by subcategory:
NOISE_MAY_2020 = {"Construction": 23, "Amplified music": 22, "Domestic (voices, banging)": 22, "Barking": 21,
                  "Alarms": 16, "Commercial premises": 12, "Other noise": 14}
# PUBLISHED: bonfire smoke complaints up 250% between April and June (2020 on 2019).
BONFIRE_APR_JUN = {2019: 18, 2020: 63}

# Needle finds. PUBLISHED: 1,621 (Dec 2018-Nov 2019) and 2,511 (Dec 2019-Nov 2020, +55%); two
# bulk incidents held 1,500 of the latter, without which finds fell 37%. The ranks below follow
# the text's top-five tables; names the text lost are filled in (illustrative). One small bulk
# find of 20 in the earlier period is illustrative: excluding bulk finds from both periods gives
# 1,011 against 1,601, the -37% the text states.
NEEDLE_PERIODS = {
    2018: {"River Steps": 300, "Needle bins": 290, "Brenchley Gardens": 160, "Whatman Park": 140, "Lockmeadow": 120},
    2019: {"River Steps": 420, "Needle bins": 360, "Brenchley Gardens": 190, "Lockmeadow": 150, "Whatman Park": 120},
    2020: {"Alexander Street": 45, "River Steps": 260, "Needle bins": 180, "Rose Garden": 120, "Wallis Avenue": 95},
}
NEEDLE_TOTALS = {2015: 900, 2016: 1050, 2017: 1200, 2018: 1380, 2019: 1621, 2020: 2511, 2021: 260}
NEEDLE_BULK = {
    2019: (("2019-06-18", "Sittingbourne Road", 20),),
    2020: (("2020-08-14", "Alexander Street", 800), ("2020-09-03", "Alexander Street", 700)),
}

# Enforcement by the Community Protection Team. PUBLISHED: 38% of 2020 CPWs were issued with
# Kent Police; 15 offenders received FPNs for breaches. Category counts are illustrative.
ENFORCEMENT = {
    2018: {"CPW": (60, 3), "CPN": (22, 0), "FPN": (5, 0)},
    2019: {"CPW": (95, 9), "CPN": (30, 1), "FPN": (8, 0)},
    2020: {"CPW": (150, 57), "CPN": (40, 6), "FPN": (15, 2)},
}
ENFORCEMENT_CATEGORIES = {"Nuisance/dangerous dog (inc. barking)": 34, "Noise (inc. with ASB)": 41, "ASB": 38,
                          "Waste and untidy land": 15, "Planning related issues": 12, "Unauthorised encampments": 10}

# Unauthorised encampments (illustrative counts; PUBLISHED: in 2020 all but one were removed
# within hours, the exception stayed 62 days on a largely closed business park).
ENCAMPMENTS = {2018: (32, 4), 2019: (16, 1), 2020: (12, 0)}  # (number, typical days in situ)
ENCAMPMENT_LONG_2020 = ("2020-04-20", 62, "Business park (illustrative site)")

# Ward population: the borough's mid-year estimate split by the ward's number of LSOAs.
BOROUGH_POPULATION = {2015: 164500, 2016: 166400, 2017: 168400, 2018: 169955, 2019: 171826, 2020: 173800}
POPULATION_SOURCE = ("approximation: borough mid-year estimate shared by the ward's number of 2011 "
                     "LSOAs (illustrative; load an ONS ward population file to replace it)")

# Kent Police area (12 Kent districts and Medway). PUBLISHED: all crime -10% in 2020; drug
# offences 3,552 -> 4,546 (+28%). District shares are illustrative; Maidstone's own rows come
# from its crimes.
KENT_TOTALS = {2015: 138000, 2016: 148000, 2017: 160000, 2018: 166000, 2019: 170000, 2020: 153000}
KENT_DRUGS = {2015: 3300, 2016: 3150, 2017: 3050, 2018: 3400, 2019: 3552, 2020: 4546}
DISTRICT_WEIGHTS = {
    "Medway": 17, "Thanet": 12, "Swale": 10.5, "Canterbury": 10, "Ashford": 8, "Dartford": 7.2,
    "Gravesham": 7.6, "Dover": 7.4, "Folkestone and Hythe": 7.9, "Tonbridge and Malling": 7,
    "Tunbridge Wells": 6.5, "Sevenoaks": 5.5,
}
