"""The report's words in Swedish (first) and English: one table, looked up by key.

Numbers never live here: templates and the narrative rules take them from the report model and
format them with :func:`number`.
"""

from __future__ import annotations

import math
import re

from lofte.core.stats import round_half_up

TEXTS: dict[str, tuple[str, str]] = {
    "title": (
        "Löften till patienter med cancer – samlad resultatredovisning",
        "Promises to patients with cancer – consolidated results report",
    ),
    "subtitle": ("{region}, {period}", "{region}, {period}"),
    "made_by": (
        "Framtagen av Löfte {date} ur indikatorkuben. Alla siffror i rapporten kommer ur "
        "samma rapportmodell.",
        "Produced by Löfte on {date} from the indicator cube. Every figure in the report comes "
        "from the same report model.",
    ),
    "synthetic_banner": (
        "SYNTETISKA DATA – inga verkliga patienter eller uppgifter. Rapporten visar hur en "
        "resultatredovisning ser ut; siffrorna är påhittade.",
        "SYNTHETIC DATA – no real patients or figures. The report shows what a results report "
        "looks like; the figures are invented.",
    ),
    "intro": (
        "Sjukvårdsregionen har gett sex löften till patienter och invånare. Den här "
        "redovisningen följer upp löftena med de indikatorer som mäter dem: för varje indikator "
        "visas regionernas resultat mot målnivån och riket, utvecklingen över tid och var det "
        "finns avvikelser som behöver åtgärdas. Texten säger bara det som siffrorna stöder: "
        "en förändring kommenteras endast när den är statistiskt säkerställd.",
        "The healthcare region has made six promises to patients and residents. This report "
        "follows them up with the indicators that measure them: for each indicator it shows the "
        "regions' results against the target and the nation, the development over time and "
        "where gaps need action. The text says only what the figures support: a change is "
        "commented on only when it is statistically significant.",
    ),
    "contents": ("Innehåll", "Contents"),
    "findings": ("Viktigaste resultaten", "Key findings"),
    "findings_intro": (
        "Det här säger siffrorna om löftena, med reglerna för texten: en målnivå nås eller nås "
        "inte, och en förändring eller en skillnad mot riket nämns bara när den är statistiskt "
        "säkerställd (p < 0,05).",
        "This is what the figures say about the promises, by the rules for the text: a target "
        "is met or not, and a change or a difference from the nation is mentioned only when it "
        "is statistically significant (p < 0.05).",
    ),
    "findings_none": ("Inget att redovisa under rubriken.", "Nothing to report here."),
    "findings_kept": ("Det här hålls", "Kept"),
    "findings_not_kept": ("Det här hålls inte", "Not kept"),
    "findings_changed": (
        "Statistiskt säkerställda förändringar mot året före",
        "Significant changes from a year earlier",
    ),
    "findings_nation": (
        "Statistiskt säkerställda skillnader mot riket",
        "Significant differences from the nation",
    ),
    "caveats_title": ("Datakvalitet och jämförbarhet", "Data quality and comparability"),
    "caveat_warnings": (
        "Varningar vid kontrollen av de aktiva SVF-leveranserna (t.ex. dubbletter, händelser "
        "utan start): {warnings}. Många varningar kan betyda att vårdförlopp saknas eller "
        "räknas fel i den regionen; se bilaga 4.",
        "Warnings from the checks of the active SVF deliveries (e.g. duplicates, events without "
        "a start): {warnings}. Many warnings can mean that pathways are missing or miscounted "
        "in that region; see Annex 4.",
    ),
    "caveat_svf_comparability": (
        "SVF-indikatorerna räknas efter patientens hemregion och det halvår förloppet "
        "avslutades; regionerna registrerar på samma sätt, men ett förlopp som inte "
        "registrerats kommer inte med.",
        "The SVF indicators count by the patient's home region and the half-year in which the "
        "pathway was closed; the regions register the same way, but a pathway that was not "
        "registered is not counted.",
    ),
    "caveat_cancer_register": (
        "Cancerregistrets täckningsgrad ({period}): {values}. Inklusionen i SVF jämförs med "
        "registrets nya fall; lägre täckning ger en för hög inklusion.",
        "Coverage of the cancer register ({period}): {values}. SVF inclusion is compared with "
        "the register's new cases; lower coverage gives too high an inclusion.",
    ),
    "caveat_palliative": (
        "Täckningsgrad i Svenska palliativregistret ({period}): {values}. Under {line} bör "
        "registrets övriga indikatorer inte användas för jämförelser.",
        "Coverage of the Swedish Register of Palliative Care ({period}): {values}. Below "
        "{line} the register's other indicators should not be used for comparisons.",
    ),
    "caveat_below_line": (
        "{region} ligger under gränsen ({value}): jämförelser med {region} är osäkra.",
        "{region} is below that line ({value}): comparisons with {region} are uncertain.",
    ),
    "caveat_below_line_nation": (
        "Riket ligger under gränsen ({value}): riket är ett osäkert jämförelsetal för "
        "palliativregistrets indikatorer.",
        "The nation is below that line ({value}): the nation is an uncertain benchmark for the "
        "palliative register's indicators.",
    ),
    "caveat_aggregate_periods": (
        "Indikatorerna från kvalitetsregister, screening och enkäter redovisas för sin senaste "
        "period (oftast ett helt år), inte för rapportens halvår.",
        "The indicators from quality registers, screening and surveys are shown for their "
        "latest period (usually a whole year), not for the report's half-year.",
    ),
    "mdk_pair_title": ("Två mått på MDK", "Two measures of MDT conferences"),
    "mdk_pair_why": (
        "Måtten skiljer sig eftersom de räknar olika patienter: SVF-måttet räknar alla "
        "avslutade vårdförlopp med nationell slutpunkt i de diagnoser där MDK mäts och ser om en "
        "MDK registrerats under förloppet, medan registermåttet räknar kvalitetsregistrets "
        "patienter med diagnos under ett helt år – olika population, period och källa kan ge "
        "olika rangordning.",
        "The measures differ because they count different patients: the SVF measure counts "
        "every pathway closed at a national end point in the diagnoses where MDT conferences "
        "are measured and checks whether one was registered during the pathway, while the "
        "register measure counts the quality register's diagnosed patients over a whole year "
        "– a different population, period and source can rank the regions differently.",
    ),
    "why_no_target_svf_andel_inom_28_dagar": (
        "Löfte 1 säger att alla ska få behandling inom fyra veckor, men ingen målnivå för "
        "andelen har beslutats; andelen redovisas därför utan bedömning mot en målnivå.",
        "Promise 1 says everyone should be treated within four weeks, but no target level for "
        "the share has been decided; the share is therefore shown without a verdict.",
    ),
    "pathway_section": (
        "Löfte 1 per vårdförlopp och region",
        "Promise 1 per care pathway and region",
    ),
    "summary": ("Sammanfattning", "Summary"),
    "summary_intro": (
        "Måluppfyllelse per löfte och region för rapportperioden (senaste tillgängliga period "
        "för indikatorer som rapporteras per år).",
        "Target attainment per promise and region for the report period (latest available "
        "period for indicators reported per year).",
    ),
    "promise": ("Löfte {n}", "Promise {n}"),
    "indicator": ("Indikator", "Indicator"),
    "region": ("Region", "Region"),
    "period": ("Period", "Period"),
    "value": ("Värde", "Value"),
    "target": ("Målnivå", "Target"),
    "target_low": ("Låg målnivå", "Low target"),
    "target_high": ("Hög målnivå", "High target"),
    "target_low_high": ("{low} (låg) {high} (hög)", "{low} (low) {high} (high)"),
    "no_target": ("ingen målnivå", "no target"),
    "status": ("Måluppfyllelse", "Attainment"),
    "status_met": ("Uppfyllt", "Met"),
    "status_partial": ("Delvis uppfyllt", "Partly met"),
    "status_not_met": ("Ej uppfyllt", "Not met"),
    "status_no_target": ("Ingen målnivå", "No target"),
    "status_suppressed": ("Färre än {min_cell} fall", "Fewer than {min_cell} cases"),
    "status_missing": ("Uppgift saknas", "No data"),
    "national": ("Riket", "Sweden"),
    "no_data_indicator": (
        "Det finns inga uppgifter för indikatorn i {region} till och med {period}.",
        "There are no figures for the indicator in {region} up to {period}.",
    ),
    "period_note": (
        "Senaste period med uppgifter: {period}.",
        "Latest period with figures: {period}.",
    ),
    "comparison_title": ("Jämförelse mellan regionerna, {period}", "Regions compared, {period}"),
    "trend_title": ("Utveckling över tid", "Development over time"),
    "table_fallback": ("Tabell", "Table"),
    "ci": ("95 % KI", "95 % CI"),
    "n": ("Antal (n)", "Number (n)"),
    "previous": ("Året före ({period})", "A year earlier ({period})"),
    "change": ("Förändring", "Change"),
    "significance": (
        "Förändring mot året före statistiskt säkerställd",
        "Change from a year earlier significant",
    ),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "not_tested": ("ej testbar", "not testable"),
    "pathway_table": (
        "Per vårdförlopp, {region} {period}",
        "Per care pathway, {region} {period}",
    ),
    "pathway": ("Vårdförlopp", "Care pathway"),
    "n_closed": ("Antal (n)", "Number (n)"),
    "share_within": ("Andel inom ledtid", "Share within lead time"),
    "median_days": ("Median, dagar", "Median, days"),
    "change_pp": ("Förändring (procentenheter)", "Change (percentage points)"),
    "no_lead_time": ("ingen känd ledtid", "no known lead time"),
    "pathway_table_note": (
        "n = avslutade vårdförlopp med nationell slutpunkt. Förändringen jämför andelen inom "
        "ledtid med samma period året före; * = statistiskt säkerställd (p < 0,05).",
        "n = pathways closed at a national end point. The change compares the share within the "
        "lead time with the same period a year earlier; * = significant (p < 0.05).",
    ),
    "bottleneck_title": (
        "Ingående ledtider: var tiden går åt, {period}",
        "Lead-time components: where the time goes, {period}",
    ),
    "bottleneck_note": (
        "Median i dagar för varje delsträcka: välgrundad misstanke → första besök, första besök "
        "→ besked om diagnos, besked → start av behandling. Medianerna summerar inte exakt till "
        "den totala ledtidens median.",
        "Median days of each step: well-founded suspicion → first visit, first visit → "
        "diagnosis given, diagnosis → start of treatment. The medians do not add up exactly to "
        "the median of the total lead time.",
    ),
    "sheet_sources": ("Bilaga 2. Datakällor", "Annex 2. Sources"),
    "sheet_deliveries": ("Bilaga 2. SVF-leveranser", "Annex 2. SVF deliveries"),
    "sheet_quality": ("Bilaga 4. Datakvalitet", "Annex 4. Data quality"),
    "sheet_mdk": ("Två mått på MDK", "Two MDT measures"),
    "bottleneck_sheet": ("Ingående ledtider", "Lead-time components"),
    "step_start_visit": ("Misstanke → besök", "Suspicion → visit"),
    "step_visit_diagnosis": ("Besök → diagnos", "Visit → diagnosis"),
    "step_diagnosis_treatment": ("Diagnos → behandling", "Diagnosis → treatment"),
    "days": ("dagar", "days"),
    "gaps": ("Avvikelser mot målnivå", "Gaps against target"),
    "gaps_intro": (
        "Indikatorer under målnivån i sjukvårdsregionen och dess regioner. Varje avvikelse ska "
        "ha en åtgärd i en handlingsplan.",
        "Indicators below target in the healthcare region and its regions. Every gap needs an "
        "action in an action plan.",
    ),
    "gaps_none": ("Inga indikatorer under målnivån.", "No indicator is below target."),
    "action_plan": (
        "Åtgärder (ansvar, status, klart senast)",
        "Actions as the plans name them, in Swedish (owner, status, due)",
    ),
    "no_action_plan": ("Ingen åtgärd registrerad", "No action registered"),
    "overdue": ("försenad", "overdue"),
    "plan_status_ej_paborjad": ("ej påbörjad", "not started"),
    "plan_status_planeras": ("planeras", "planned"),
    "plan_status_pagaende": ("pågående", "in progress"),
    "plan_status_klar": ("klar", "done"),
    "plan_status_pausad": ("pausad", "paused"),
    "plan_status_installd": ("inställd", "cancelled"),
    "due_by": ("klart senast {date}", "due {date}"),
    "narrative": ("Kommentar", "Commentary"),
    "annex": ("Bilagor", "Annexes"),
    "annex_definitions": ("Bilaga 1. Definitioner", "Annex 1. Definitions"),
    "annex_sources": ("Bilaga 2. Datakällor och uttagsdatum", "Annex 2. Sources and extract dates"),
    "annex_suppression": ("Bilaga 3. Röjandekontroll", "Annex 3. Disclosure control"),
    "annex_quality": ("Bilaga 4. Datakvalitet per region", "Annex 4. Data quality per region"),
    "annex_method": ("Statistisk metod", "Statistical method"),
    "unit": ("Enhet", "Unit"),
    "description": ("Beskrivning", "Description"),
    "target_source": ("Källa för målnivå", "Source of the target"),
    "source": ("Källa", "Source (as published)"),
    "imported": ("Importerad", "Imported"),
    "periods": ("Perioder", "Periods"),
    "svf_source": (
        "SVF-leveranser (händelser per vårdförlopp) från regionerna; senaste aktiva leverans "
        "per region nedan.",
        "SVF deliveries (events per pathway) from the regions; latest active delivery per "
        "region below.",
    ),
    "aggregate_source": (
        "Aggregerade indikatorer (kvalitetsregister, screening, patientenkät m.fl.)",
        "Aggregate indicators (quality registers, screening, patient survey and others)",
    ),
    "suppression_text": (
        "Inga uppgifter om färre än {min_cell} personer publiceras, och inga sådana uppgifter "
        "ska gå att räkna fram ur allt som publiceras tillsammans. Det som skyddas är "
        "populationer: nämnaren i en andel och ett antal – var de än publiceras, även som "
        "täljare i en annan indikator. (En täljare på "
        "1–{below} i en andel vars nämnare är minst {min_cell} får visas.)",
        "No figure about fewer than {min_cell} persons is published, and none can be worked out "
        "from everything published together. What is protected are populations: the "
        "denominator of a share and a count — wherever they are published, even as another "
        "indicator's numerator. (A numerator of "
        "1–{below} in a share whose denominator is at least {min_cell} may be shown.)",
    ),
    "suppression_rules": (
        '1. Celler med färre än {min_cell} fall visas som "–" (Färre än {min_cell} fall '
        "redovisas ej). Medianer och kvartiler visas för minst {min_cell} vårdförlopp men utan "
        "sitt antal: samma patienter redovisas redan som nämnare i andelarna.|"
        "2. Tal som summeras – län till sjukvårdsregion och riket, vårdförlopp och behandlingar "
        "till totalen, månader till kvartal, halvår och år, för båda regiontillhörigheterna – "
        "får aldrig ha exakt en dold cell i en summa. Då döljs även den minsta kompletterande "
        "cellen, så att det dolda talet inte kan räknas fram genom subtraktion.|"
        "3. Samma patienter räknas ofta i flera indikatorer (avslutade förlopp med nationell "
        "slutpunkt är nämnaren för MDK och täljaren för inklusion) och, för "
        "riket, i båda regiontillhörigheterna. Tal som är lika i alla perioder där båda visas "
        "döljs tillsammans, liksom ett visat tal på 1–{below} som är lika med ett dolt.",
        '1. Cells with fewer than {min_cell} cases show as "–" (Fewer than {min_cell} cases '
        "not reported). Medians and quartiles are shown for {min_cell} or more pathways but "
        "without their count: the same patients are already published as the shares' "
        "denominators.|"
        "2. Figures that add up — counties to healthcare region and nation, pathways and "
        "treatments to their total, months to quarters, halves and years, in both region "
        "bases — may never have exactly one hidden cell in a sum. Then the smallest "
        "complementary cell is hidden too, so that the hidden figure cannot be worked out by "
        "subtraction.|"
        "3. The same patients are often counted by several indicators (closed pathways with a "
        "national end point are the MDK denominator and the inclusion numerator) and, for "
        "the nation, in both region bases. Figures that are equal in every "
        "period where both are shown are hidden together, and so is a shown figure of "
        "1–{below} that equals a hidden one.",
    ),
    "suppression_marks": (
        "I rapporten visas en cell som döljs för att den har färre än {min_cell} fall (regel 1) "
        "som –¹, och en cell som döljs för att en annan uppgift inte ska kunna räknas fram "
        "(regel 2 och 3) som –².",
        "In the report a cell hidden because it has fewer than {min_cell} cases (rule 1) shows "
        "as –¹, and a cell hidden so that another figure cannot be worked out (rules 2 and 3) "
        "as –².",
    ),
    "suppression_example": (
        "Exempel: ett halvår har Sydöst 21 avslutade förlopp, Jönköping 9, Kalmar 8 och "
        "Östergötland 4. Östergötlands 4 döljs, men 21 − 9 − 8 = 4, så även Kalmar (den minsta "
        "av de andra) döljs. Visar inklusionens täljare samma 4 förlopp för Östergötland döljs "
        "även den cellen.",
        "Example: in one half-year Sydöst has 21 closed pathways, Jönköping 9, Kalmar 8 and "
        "Östergötland 4. Östergötland's 4 is hidden, but 21 − 9 − 8 = 4, so Kalmar (the "
        "smallest of the others) is hidden too. If the inclusion numerator shows the same 4 "
        "pathways for Östergötland, that cell is hidden as well.",
    ),
    "suppression_audit": (
        "Innan något publiceras – kubfilen, webbplatsen, API:t och resultatredovisningen – prövar "
        "Löfte resultatet som en inkräktare skulle: alla summor och samband räknas igenom varv "
        "efter varv. Går ett dolt antal på 1–{below} att räkna fram publiceras ingenting.",
        "Before anything is published — the cube file, the website, the API and the results "
        "report — Löfte tries the results as an intruder would: every sum and link is worked "
        "through, round after round. If a hidden count of 1–{below} can be worked out, nothing "
        "is published.",
    ),
    "suppressed_footnote": (
        "–¹ = färre än {min_cell} fall, redovisas inte. –² = dold för att en annan uppgift inte "
        "ska kunna räknas fram ur summor och samband (röjandekontroll, bilaga 3).",
        "–¹ = fewer than {min_cell} cases, not reported. –² = hidden so that another figure "
        "cannot be worked out from sums and links (disclosure control, Annex 3).",
    ),
    "hidden_primary": (
        "–¹ = Färre än {min_cell} fall redovisas ej.",
        "–¹ = fewer than {min_cell} cases, not reported.",
    ),
    "hidden_secondary": (
        "–² = dold för att en annan uppgift inte ska kunna räknas fram ur summor och samband "
        "(röjandekontroll, bilaga 3).",
        "–² = hidden so that another figure cannot be worked out from sums and links "
        "(disclosure control, Annex 3).",
    ),
    "status_hidden_secondary": ("Dold (röjandekontroll)", "Hidden (disclosure control)"),
    "not_testable_note": (
        "Förändringen mot året före kan inte testas för värden utan antal (medianer, poäng, "
        "värden från register utan täljare och nämnare).",
        "The change from a year earlier cannot be tested for values without counts (medians, "
        "scores, register values without numerator and denominator).",
    ),
    "method_text": (
        "Andelar = 100 × täljare / nämnare, avrundade till en decimal först vid presentation. "
        "Varje andel har ett 95 % konfidensintervall enligt Wilson. En förändring mellan två "
        "perioder, eller en skillnad mellan två regioner, kallas statistiskt säkerställd när ett "
        "tvåsidigt z-test av två andelar (poolad varians) ger p < 0,05. Medianer av ett jämnt "
        "antal är medelvärdet av de två mittersta värdena. Förändringar i medianer, poäng och "
        "värden utan täljare och nämnare kan inte testas och kommenteras därför inte. SVF-"
        "indikatorerna redovisas efter patientens hemregion (bostadsregion) och efter det "
        "halvår då vårdförloppet avslutades.",
        "Shares = 100 × numerator / denominator, rounded to one decimal only when presented. "
        "Every share has a 95 % Wilson confidence interval. A change between two periods, or a "
        "difference between two regions, is called significant when a two-sided pooled "
        "two-proportion z-test gives p < 0.05. The median of an even count is the mean of the "
        "two middle values. Changes in medians, scores and values without numerator and "
        "denominator cannot be tested and are therefore not commented on. The SVF indicators "
        "are reported by the patient's home region and by the half-year in which the pathway "
        "was closed.",
    ),
    "quality_intro": (
        "SVF-leveranser per region: aktiva och avvisade leveranser, senaste leveransfönster, "
        "lagrade rader och varningar vid kontrollen (t.ex. dubbletter, händelser utan start, "
        "slut före start).",
        "SVF deliveries per region: active and rejected deliveries, latest delivery window, "
        "stored rows and warnings from the checks (e.g. duplicates, events without a start, "
        "end before start).",
    ),
    "q_active": ("Aktiva leveranser", "Active deliveries"),
    "q_rejected": ("Avvisade leveranser", "Rejected deliveries"),
    "q_window": ("Data till och med", "Data up to"),
    "q_rows": ("Lagrade rader", "Stored rows"),
    "q_warnings": ("Varningar", "Warnings"),
    "q_errors": ("Fel i avvisade leveranser", "Errors in rejected deliveries"),
    "q_delivered": ("Senast levererad", "Last delivered"),
    "page": ("Sida", "Page"),
    "unit_percent": ("procent", "percent"),
    "unit_days": ("dagar", "days"),
    "unit_score": ("poäng", "score"),
    "unit_count": ("antal", "count"),
    "synthetic_source": ("syntetiska", "synthetic"),
    "language_other": ("In English", "På svenska"),
    # narrative sentences
    "n_target_met": (
        "{region} når målnivån {target} ({value}).",
        "{region} meets the target of {target} ({value}).",
    ),
    "n_target_partial": (
        "{region} ligger mellan den låga och den höga målnivån ({value}; målnivåer {target}).",
        "{region} lies between the low and the high target ({value}; targets {target}).",
    ),
    "n_target_not_met": (
        "{region} når inte målnivån {target} ({value}).",
        "{region} does not meet the target of {target} ({value}).",
    ),
    "n_target_met_high": (
        "{region} når den höga målnivån {target} ({value}).",
        "{region} meets the high target of {target} ({value}).",
    ),
    "n_target_not_met_low": (
        "{region} når inte den låga målnivån {target} ({value}).",
        "{region} does not meet the low target of {target} ({value}).",
    ),
    "n_counties_meeting": (
        "{met} av {total} regioner med redovisade värden når målnivån.",
        "{met} of {total} regions with reported values meet the target.",
    ),
    "n_change_better": (
        "För {region} ses en positiv utveckling jämfört med {previous} (från {before} till "
        "{after}); förändringen är statistiskt säkerställd.",
        "{region} shows a positive development compared with {previous} (from {before} to "
        "{after}); the change is significant.",
    ),
    "n_change_worse": (
        "För {region} ses en negativ utveckling jämfört med {previous} (från {before} till "
        "{after}); förändringen är statistiskt säkerställd.",
        "{region} shows a negative development compared with {previous} (from {before} to "
        "{after}); the change is significant.",
    ),
    "n_range_significant": (
        "Bland regionerna är värdet högst i {high} ({high_value}) och lägst i {low} "
        "({low_value}); skillnaden är statistiskt säkerställd.",
        "Among the regions the value is highest in {high} ({high_value}) and lowest in {low} "
        "({low_value}); the difference is significant.",
    ),
    "n_vs_national": (
        "{region} ligger {relation} riket ({value} mot {national}); skillnaden är statistiskt "
        "säkerställd.",
        "{region} is {relation} the nation ({value} against {national}); the difference is "
        "significant.",
    ),
    "rel_above": ("över", "above"),
    "rel_below": ("under", "below"),
    "n_bottleneck": (
        "Den längsta delsträckan i {region} är {step} (median {days} dagar).",
        "The longest step in {region} is {step} (median {days} days).",
    ),
    "n_nothing": (
        "Underlaget räcker inte för några slutsatser om förändring eller skillnader.",
        "The figures do not support any conclusion about change or differences.",
    ),
    # --- standing of targets, series and data quality (issue 14, items 1–3) ---
    "status_reference": ("Referens, ingen bedömning", "Reference, no verdict"),
    "status_data_quality": ("Datakvalitet, se text", "Data quality, see text"),
    "reference_level": ("Referens", "Reference"),
    "series_break_short": ("ny serie", "new series"),
    "n_reference": (
        "Nivån {target} är en referens lånad från ett annat register, ingen målnivå för dessa "
        "patienter; värdena bedöms därför inte mot den.",
        "The level {target} is a reference borrowed from another register, not a target for "
        "these patients; the values are therefore not judged against it.",
    ),
    "n_over_100": (
        "I {regions} avslutades fler SVF än cancerregistret har nya cancerfall. Det är ett "
        "datakvalitetsfynd, ingen andel, och bedöms inte mot målnivån. Troliga orsaker: "
        "eftersläpning eller ofullständig täckning i cancerregistret, och SVF för patienter "
        "som inte fick någon cancerdiagnos.",
        "In {regions}, more SVF pathways were closed than the cancer register has new cancer "
        "cases. This is a data-quality finding, not a share, and is not judged against the "
        "target. Likely causes: register lag or incomplete coverage of the cancer register, "
        "and pathways of patients who did not receive a cancer diagnosis.",
    ),
    "n_series_break": (
        "Serien för {region} byter källa eller definition {period} (från {before} till "
        "{after}); värden före och efter brottet jämförs inte.",
        "The series for {region} changes source or definition in {period} (from {before} to "
        "{after}); values before and after the break are not compared.",
    ),
    "n_series_breaks_trend": (
        "I trenddiagrammet bryts linjen där serien byter källa eller definition ({regions}); "
        "källorna står i bilagan om datakällor.",
        "In the trend chart the line is broken where the series changes source or definition "
        "({regions}); the sources are listed in the annex on data sources.",
    ),
}


#: Short names of the indicators for workbook sheets (Excel allows 31 characters): a sheet
#: name a reader recognises, never cut inside a word. Indicators not listed get their name
#: shortened between words.
SHEET_NAMES: dict[str, tuple[str, str]] = {
    "svf_andel_inom_ledtid": ("Inom SVF-ledtid", "Within SVF lead time"),
    "svf_andel_inom_28_dagar": ("Inom fyra veckor", "Within four weeks"),
    "svf_ledtid_median": ("Ledtid, median", "Lead time, median"),
    "svf_inklusion": ("Inklusion i SVF", "Inclusion in SVF"),
    "svf_andel_mdk": ("MDK enligt SVF", "MDT conference, SVF"),
    "mdk_andel": ("MDK enligt register", "MDT conference, registers"),
    "overlevnad_tjocktarm_5ar": ("Överlevnad, tjocktarm", "Survival, colon cancer"),
    "kontaktsjukskoterska_andel": ("Kontaktsjuksköterska", "Contact nurse"),
    "min_vardplan_andel": ("Min vårdplan", "My care plan"),
    "npe_delaktighet": ("Patientenkät, delaktighet", "Survey, involvement"),
    "pal_munhalsobedomning": ("Munhälsobedömning", "Oral health assessment"),
    "pal_smartskattning": ("Smärtskattning", "Pain assessment"),
    "pal_vidbehov_opioid": ("Vid behov, opioid", "As needed, opioid"),
    "pal_vidbehov_angestdampande": ("Vid behov, ångestdämpande", "As needed, anxiolytic"),
    "pal_utan_trycksar": ("Utan trycksår", "Without pressure ulcers"),
    "pal_brytpunktssamtal": ("Brytpunktssamtal", "End-of-life conversation"),
    "pal_tackningsgrad": ("Palliativ täckningsgrad", "Palliative coverage"),
    "screening_cervix_tackning": ("Cellprovtagning, täckning", "Cervical screening"),
    "screening_mammografi_deltagande": ("Mammografi, deltagande", "Mammography participation"),
    "screening_tarm_deltagande": ("Tarmscreening, deltagande", "Bowel screening"),
    "hpv_catch_up": ("HPV-vaccination", "HPV vaccination"),
    "studier_oppna": ("Öppna kliniska studier", "Open clinical trials"),
    "studier_andel_inkluderade": ("Inkluderade i studier", "Included in trials"),
}


def t(key: str, lang: str, **params: object) -> str:
    """The text of ``key`` in ``lang`` (``sv`` or ``en``), with ``params`` filled in."""
    sv, en = TEXTS[key]
    text = sv if lang == "sv" else en
    return text.format(**params) if params else text


def sheet_name(code: str, lang: str) -> str:
    """An indicator's short name for a workbook sheet ("" when it has none)."""
    sv, en = SHEET_NAMES.get(code, ("", ""))
    return sv if lang == "sv" else en


def number(value: float | None, unit: str, lang: str, *, with_unit: bool = True) -> str:
    """A figure as the report prints it: one decimal for percent and score, whole days/counts.

    ``None`` prints as "–" (suppressed or missing): a figure is never invented.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit in ("percent", "score"):
        text = f"{round_half_up(value, 1):.1f}"
    elif unit == "days":
        rounded = round_half_up(value, 1)
        text = f"{rounded:.0f}" if float(rounded).is_integer() else f"{rounded:.1f}"
    else:
        text = f"{round_half_up(value, 0):,.0f}".replace(",", "\u00a0")
    if lang == "sv":
        text = text.replace(".", ",")
    if not with_unit:
        return text
    if unit == "percent":
        return f"{text}\u00a0%"
    if unit == "days":
        return f"{text}\u00a0{t('days', lang)}"
    return text


def points(value: float, lang: str) -> str:
    """A change in percentage points, signed, one decimal."""
    text = f"{round_half_up(value, 1):+.1f}"
    return text.replace(".", ",").replace("-", "\u2212") if lang == "sv" else text


#: The regions' names in English where the Swedish name is not English already (the regions'
#: own English names: "Region Jönköping County", …; the healthcare regions as RCC translates
#: them).
REGION_NAMES_EN = {
    "06": "Region Jönköping County",
    "08": "Region Kalmar County",
    "14": "Region Västra Götaland",
    "18": "Region Örebro County",
    "norra": "Northern Healthcare Region",
    "mellansverige": "Central Sweden Healthcare Region",
    "stockholm-gotland": "Stockholm-Gotland Healthcare Region",
    "sydost": "South East Healthcare Region",
    "syd": "Southern Healthcare Region",
    "vast": "Western Healthcare Region",
}


def region_names(regions: dict[str, str], lang: str) -> dict[str, str]:
    """The catalogue's region names in ``lang``, with the nation called by its name."""
    names = dict(regions)
    if lang == "en":
        names.update({code: REGION_NAMES_EN[code] for code in names if code in REGION_NAMES_EN})
    if "SE" in names:
        names["SE"] = t("national", lang)
    return names


#: What a reader of a rendering must never see (issue 14): links to code, the project's own
#: research files and section marks, seed numbers. Public sources (cancercentrum.se, …) stay.
_INTERNAL = re.compile(
    r"https?://(?:www\.)?(?:github\.com|raw\.githubusercontent\.com)/\S*"
    r"|\bresearch/[\w./-]*(?:\s*§\s*\d+[a-z]?)?"
    r"|\b[\w-]+\.(?:md|py|yaml|csv)\b(?:\s*§\s*\d+[a-z]?)?"
    r"|\bseed\s+\d{3}\b"
    r"|\s*\(nkbc\d+\)"
)
_EMPTY_BRACKETS = re.compile(r"\(\s*[;,.:]*\s*(?:[;,]\s*)*\)")


def reader_text(text: str, names: dict[str, str]) -> str:
    """Catalogue text as a reader sees it: indicator codes become the indicators' ``names``,
    links to code and internal file references are taken out (with the brackets and
    punctuation they leave empty)."""
    if not text:
        return text
    for code in sorted(names, key=len, reverse=True):
        if code in text:
            text = re.sub(rf"\b{re.escape(code)}\b", names[code], text)
    text = _INTERNAL.sub("", text)
    text = re.sub(r"\s*[;,]\s*([;,)])", r"\1", text)
    text = re.sub(r"\(\s*[;,]?\s*", "(", text)
    text = _EMPTY_BRACKETS.sub("", text)
    text = re.sub(r"\s+([.,;:)])", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text)
    text = re.sub(r"([;,:])\.", ".", text)
    return text.strip()
