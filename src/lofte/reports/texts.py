"""The report's words: Swedish texts marked for Django's gettext, looked up by a key.

Every text of the report is a Swedish message id (the source language of Löfte's interface) in
:data:`TEXTS`, with its English in the catalogue ``lofte/reports/locale/en/LC_MESSAGES/django.po``
(compiled to ``django.mo``), like every other text of Löfte (ADR 0725). The key names a text
where more than one module prints it and where the report model stores it (a narrative
:class:`~lofte.reports.types.Sentence` keeps its key in ``model.json``). Texts are looked up in
the active language; :func:`t` takes the language explicitly and the report is written inside
``translation.override(lang)`` (:func:`lofte.reports.service.write_report`).

Numbers never live here: templates and the narrative rules take them from the report model and
format them with :func:`number`, the one function that writes a figure (decimal comma and a
non-breaking space before the unit in Swedish).
"""

from __future__ import annotations

import math
import re
from functools import cache

from django.utils.functional import Promise
from django.utils.translation import override, pgettext, pgettext_lazy

from lofte.core.stats import round_half_up

#: The report's texts by key. Context "report" keeps them apart from the site's texts (one
#: Swedish word may be translated differently there); "report sheet" marks the names of
#: workbook sheets (at most 31 characters in Excel).
TEXTS: dict[str, Promise] = {
    "title": pgettext_lazy(
        "report",
        "Löften till patienter med cancer – samlad resultatredovisning",
    ),
    "subtitle": pgettext_lazy("report", "{region}, {period}"),
    "made_by": pgettext_lazy(
        "report",
        "Framtagen av Löfte {date} ur indikatorkuben. Alla siffror i rapporten kommer ur samma "
        "rapportmodell.",
    ),
    "synthetic_banner": pgettext_lazy(
        "report",
        "SYNTETISKA DATA – inga verkliga patienter eller uppgifter. Rapporten visar hur en "
        "resultatredovisning ser ut; siffrorna är påhittade.",
    ),
    "intro": pgettext_lazy(
        "report",
        "Sjukvårdsregionen har gett sex löften till patienter och invånare. Den här "
        "redovisningen följer upp löftena med de indikatorer som mäter dem: för varje "
        "indikator visas regionernas resultat mot målnivån och riket, utvecklingen över tid "
        "och var det finns avvikelser som behöver åtgärdas. Texten säger bara det som "
        "siffrorna stöder: en förändring kommenteras endast när den är statistiskt säkerställd.",
    ),
    "contents": pgettext_lazy("report", "Innehåll"),
    "findings": pgettext_lazy("report", "Viktigaste resultaten"),
    "findings_intro": pgettext_lazy(
        "report",
        "Det här säger siffrorna om löftena, med reglerna för texten: en målnivå nås eller nås "
        "inte, och en förändring eller en skillnad mot riket nämns bara när den är statistiskt "
        "säkerställd (p < 0,05).",
    ),
    "findings_none": pgettext_lazy("report", "Inget att redovisa under rubriken."),
    "findings_kept": pgettext_lazy("report", "Det här hålls"),
    "findings_not_kept": pgettext_lazy("report", "Det här hålls inte"),
    "findings_changed": pgettext_lazy(
        "report",
        "Statistiskt säkerställda förändringar mot året före",
    ),
    "findings_nation": pgettext_lazy("report", "Statistiskt säkerställda skillnader mot riket"),
    "caveats_title": pgettext_lazy("report", "Datakvalitet och jämförbarhet"),
    "caveat_warnings": pgettext_lazy(
        "report",
        "Varningar vid kontrollen av de aktiva SVF-leveranserna (t.ex. dubbletter, händelser "
        "utan start): {warnings}. Många varningar kan betyda att vårdförlopp saknas eller "
        "räknas fel i den regionen; se bilaga 4.",
    ),
    "caveat_svf_comparability": pgettext_lazy(
        "report",
        "SVF-indikatorerna räknas efter patientens hemregion och det halvår förloppet "
        "avslutades; regionerna registrerar på samma sätt, men ett förlopp som inte "
        "registrerats kommer inte med.",
    ),
    "caveat_palliative": pgettext_lazy(
        "report",
        "Täckningsgrad i Svenska palliativregistret ({period}): {values}. Under {line} bör "
        "registrets övriga indikatorer inte användas för jämförelser.",
    ),
    "caveat_below_line": pgettext_lazy(
        "report",
        "{region} ligger under gränsen ({value}): jämförelser med {region} är osäkra.",
    ),
    "caveat_below_line_nation": pgettext_lazy(
        "report",
        "Riket ligger under gränsen ({value}): riket är ett osäkert jämförelsetal för "
        "palliativregistrets indikatorer.",
    ),
    "caveat_aggregate_periods": pgettext_lazy(
        "report",
        "Indikatorerna från kvalitetsregister, screening och enkäter redovisas för sin senaste "
        "period (oftast ett helt år), inte för rapportens halvår.",
    ),
    "mdk_pair_title": pgettext_lazy("report", "Två mått på MDK"),
    "mdk_pair_why": pgettext_lazy(
        "report",
        "Måtten skiljer sig eftersom de räknar olika patienter: SVF-måttet räknar alla "
        "avslutade vårdförlopp med nationell slutpunkt i de diagnoser där MDK mäts och ser om "
        "en MDK registrerats under förloppet, medan registermåttet räknar kvalitetsregistrets "
        "patienter med diagnos under ett helt år – olika population, period och källa kan ge "
        "olika rangordning.",
    ),
    "why_no_target_svf_andel_inom_28_dagar": pgettext_lazy(
        "report",
        "Löfte 1 säger att alla ska få behandling inom fyra veckor, men ingen målnivå för "
        "andelen har beslutats; andelen redovisas därför utan bedömning mot en målnivå.",
    ),
    "pathway_section": pgettext_lazy("report", "Löfte 1 per vårdförlopp och region"),
    "summary": pgettext_lazy("report", "Sammanfattning"),
    "summary_intro": pgettext_lazy(
        "report",
        "Måluppfyllelse per löfte och region för rapportperioden (senaste tillgängliga period "
        "för indikatorer som rapporteras per år).",
    ),
    "promise": pgettext_lazy("report", "Löfte {n}"),
    "indicator": pgettext_lazy("report", "Indikator"),
    "region": pgettext_lazy("report", "Region"),
    "period": pgettext_lazy("report", "Period"),
    "value": pgettext_lazy("report", "Värde"),
    "target": pgettext_lazy("report", "Målnivå"),
    "target_low": pgettext_lazy("report", "Låg målnivå"),
    "target_high": pgettext_lazy("report", "Hög målnivå"),
    "target_low_high": pgettext_lazy("report", "{low} (låg) {high} (hög)"),
    "no_target": pgettext_lazy("report", "ingen målnivå"),
    "status": pgettext_lazy("report", "Måluppfyllelse"),
    "status_met": pgettext_lazy("report", "Uppfyllt"),
    "status_partial": pgettext_lazy("report", "Delvis uppfyllt"),
    "status_not_met": pgettext_lazy("report", "Ej uppfyllt"),
    "status_no_target": pgettext_lazy("report", "Ingen målnivå"),
    "status_suppressed": pgettext_lazy("report", "Dold (röjandekontroll)"),
    "status_missing": pgettext_lazy("report", "Uppgift saknas"),
    "national": pgettext_lazy("report", "Riket"),
    "no_data_indicator": pgettext_lazy(
        "report",
        "Det finns inga uppgifter för indikatorn i {region} till och med {period}.",
    ),
    "period_note": pgettext_lazy("report", "Senaste period med uppgifter: {period}."),
    "comparison_title": pgettext_lazy("report", "Jämförelse mellan regionerna, {period}"),
    "trend_title": pgettext_lazy("report", "Utveckling över tid"),
    "table_fallback": pgettext_lazy("report", "Tabell"),
    "ci": pgettext_lazy("report", "95 % KI"),
    "n": pgettext_lazy("report", "Antal (n)"),
    "previous": pgettext_lazy("report", "Året före ({period})"),
    "change": pgettext_lazy("report", "Förändring"),
    "significance": pgettext_lazy("report", "Förändring mot året före statistiskt säkerställd"),
    "yes": pgettext_lazy("report", "ja"),
    "no": pgettext_lazy("report", "nej"),
    "not_tested": pgettext_lazy("report", "ej testbar"),
    "pathway_table": pgettext_lazy("report", "Per vårdförlopp, {region} {period}"),
    "pathway": pgettext_lazy("report", "Vårdförlopp"),
    "n_closed": pgettext_lazy("report", "Antal (n)"),
    "share_within": pgettext_lazy("report", "Andel inom ledtid"),
    "median_days": pgettext_lazy("report", "Median, dagar"),
    "change_pp": pgettext_lazy("report", "Förändring (procentenheter)"),
    "no_lead_time": pgettext_lazy("report", "ingen känd ledtid"),
    # the notes of a per-pathway table, each only where the table has what it explains
    "pathway_note_n": pgettext_lazy(
        "report",
        "n = avslutade vårdförlopp med nationell slutpunkt.",
    ),
    "pathway_note_change": pgettext_lazy(
        "report",
        "Förändringen jämför andelen inom ledtid med samma period året före.",
    ),
    "pathway_note_star": pgettext_lazy(
        "report",
        "* = förändringen är statistiskt säkerställd (p < 0,05).",
    ),
    # why a pathway has "ingen känd ledtid", from the pathway catalogue (pathways.yaml)
    "no_lead_time_revised": pgettext_lazy(
        "report",
        "{pathway}: vårdförloppet reviderades {year} med nya ledtider, men de nya ledtiderna är "
        "inte kända. Andelen inom ledtid kan därför inte räknas; medianen visas.",
    ),
    "no_lead_time_unknown": pgettext_lazy(
        "report",
        "{pathway}: ledtiderna i det gällande vårdförloppet är inte kända. Andelen inom ledtid "
        "kan därför inte räknas; medianen visas.",
    ),
    "no_lead_time_partial": pgettext_lazy(
        "report",
        "{pathway}: ledtid finns bara för {treatments}, och inget av periodens avslutade "
        "vårdförlopp slutade med den behandlingen. Andelen inom ledtid kan därför inte räknas; "
        "medianen visas.",
    ),
    "no_lead_time_none": pgettext_lazy(
        "report",
        "{pathway}: inget av periodens avslutade vårdförlopp slutade med en behandling som har "
        "en känd ledtid. Medianen visas.",
    ),
    "treatment_kirurgi": pgettext_lazy("report treatment", "kirurgi"),
    "treatment_lakemedel": pgettext_lazy("report treatment", "läkemedelsbehandling"),
    "treatment_stralning": pgettext_lazy("report treatment", "strålbehandling"),
    "treatment_palliativ": pgettext_lazy("report treatment", "palliativ behandling"),
    "treatment_annan": pgettext_lazy("report treatment", "annan behandling"),
    "treatment_expektans": pgettext_lazy("report treatment", "exspektans"),
    "treatment_ingen_atgard": pgettext_lazy("report treatment", "ingen ytterligare åtgärd"),
    "treatment_avslutande_samtal": pgettext_lazy("report treatment", "avslutande samtal"),
    "bottleneck_title": pgettext_lazy("report", "Ingående ledtider: var tiden går åt, {period}"),
    "bottleneck_note": pgettext_lazy(
        "report",
        "Median i dagar för varje delsträcka: välgrundad misstanke → första besök, första "
        "besök → besked om diagnos, besked → start av behandling. Medianerna summerar inte "
        "exakt till den totala ledtidens median.",
    ),
    "sheet_sources": pgettext_lazy("report sheet", "Bilaga 2. Datakällor"),
    "sheet_deliveries": pgettext_lazy("report sheet", "Bilaga 2. SVF-leveranser"),
    "sheet_quality": pgettext_lazy("report sheet", "Bilaga 4. Datakvalitet"),
    "sheet_mdk": pgettext_lazy("report sheet", "Två mått på MDK"),
    "bottleneck_sheet": pgettext_lazy("report sheet", "Ingående ledtider"),
    "step_start_visit": pgettext_lazy("report", "Misstanke → besök"),
    "step_visit_diagnosis": pgettext_lazy("report", "Besök → diagnos"),
    "step_diagnosis_treatment": pgettext_lazy("report", "Diagnos → behandling"),
    "days": pgettext_lazy("report", "dagar"),
    "gaps": pgettext_lazy("report", "Avvikelser mot målnivå"),
    "gaps_intro": pgettext_lazy(
        "report",
        "Indikatorer under målnivån i sjukvårdsregionen och dess regioner. Varje avvikelse ska "
        "ha en åtgärd i en handlingsplan.",
    ),
    "gaps_none": pgettext_lazy("report", "Inga indikatorer under målnivån."),
    # an action's title and owner are the plans' own words: the English report quotes them in
    # Swedish, marked as quotations, and says so in the column's heading
    "action_title": pgettext_lazy("report", "Åtgärd"),
    "action_owner": pgettext_lazy("report", "Ansvar"),
    "action_state": pgettext_lazy("report", "Status, klart senast"),
    "no_action_plan": pgettext_lazy("report", "Ingen åtgärd registrerad"),
    "action_numbers": pgettext_lazy("report", "Åtgärder (nr, se nedan)"),
    "gap_actions": pgettext_lazy("report", "Åtgärder i handlingsplanerna"),
    "action_number": pgettext_lazy("report", "Nr"),
    "sheet_gap_actions": pgettext_lazy("report sheet", "Åtgärder"),
    "action_covers": pgettext_lazy("report", "Gäller avvikelserna"),
    "overdue": pgettext_lazy("report", "försenad"),
    "plan_status_ej_paborjad": pgettext_lazy("report", "ej påbörjad"),
    "plan_status_planeras": pgettext_lazy("report", "planeras"),
    "plan_status_pagaende": pgettext_lazy("report", "pågående"),
    "plan_status_klar": pgettext_lazy("report", "klar"),
    "plan_status_pausad": pgettext_lazy("report", "pausad"),
    "plan_status_installd": pgettext_lazy("report", "inställd"),
    "due_by": pgettext_lazy("report", "klart senast {date}"),
    "narrative": pgettext_lazy("report", "Kommentar"),
    "annex": pgettext_lazy("report", "Bilagor"),
    "annex_definitions": pgettext_lazy("report", "Bilaga 1. Definitioner"),
    "annex_sources": pgettext_lazy("report", "Bilaga 2. Datakällor och uttagsdatum"),
    "annex_suppression": pgettext_lazy("report", "Bilaga 3. Röjandekontroll"),
    "annex_quality": pgettext_lazy("report", "Bilaga 4. Datakvalitet per region"),
    "annex_method": pgettext_lazy("report", "Statistisk metod"),
    # the auditors' question 8 (issue 14, item 4): why there is no rehabilitation indicator
    "no_rehabilitation": pgettext_lazy(
        "report",
        "Cancerrehabilitering har ingen indikator i rapporten. Revisorernas granskning av de sex "
        "cancerlöftena i Sydöstra sjukvårdsregionen (Sirona 2025, revisionsfråga 8) konstaterar "
        "att vården ännu inte registrerar rehabiliteringsinsatser med koder systematiskt och "
        "heltäckande. Därför finns ingen källa som visar vilka patienter som fått rehabilitering, "
        "och effekten av insatserna kan inte utvärderas. En indikator kan läggas till när "
        "insatserna registreras.",
    ),
    "unit": pgettext_lazy("report", "Enhet"),
    "description": pgettext_lazy("report", "Beskrivning"),
    "target_source": pgettext_lazy("report", "Källa för målnivå"),
    "source": pgettext_lazy("report", "Källa"),
    "imported": pgettext_lazy("report", "Importerad"),
    "periods": pgettext_lazy("report", "Perioder"),
    "svf_source": pgettext_lazy(
        "report",
        "SVF-leveranser (händelser per vårdförlopp) från regionerna; senaste aktiva leverans "
        "per region nedan.",
    ),
    "aggregate_source": pgettext_lazy(
        "report",
        "Aggregerade indikatorer (kvalitetsregister, screening, patientenkät m.fl.)",
    ),
    "suppression_text": pgettext_lazy(
        "report",
        "Inga uppgifter om färre än {min_cell} personer publiceras, och inga sådana uppgifter "
        "ska gå att räkna fram ur allt som publiceras tillsammans. Det som skyddas är "
        "populationer: nämnaren i en andel och ett antal – var de än publiceras, även som "
        "täljare i en annan indikator. (En täljare på 1–{below} i en andel vars nämnare är "
        "minst {min_cell} får visas.)",
    ),
    "suppression_rules": pgettext_lazy(
        "report",
        "1. Celler med färre än {min_cell} fall döljs. Medianer och kvartiler visas för minst "
        "{min_cell} vårdförlopp men utan sitt antal: samma patienter redovisas redan som "
        "nämnare i andelarna.|2. Tal som summeras – län till sjukvårdsregion och riket, "
        "vårdförlopp och behandlingar till totalen, månader till kvartal, halvår och år, för "
        "båda regiontillhörigheterna – får aldrig ha exakt en dold cell i en summa. Då döljs "
        "även den minsta kompletterande cellen, så att det dolda talet inte kan räknas fram "
        "genom subtraktion.|3. Samma patienter räknas ofta i flera indikatorer (avslutade "
        "förlopp med nationell slutpunkt är nämnaren för MDK och täljaren för inklusion) och, "
        "för riket, i båda regiontillhörigheterna. Tal som är lika i alla perioder där båda "
        "visas döljs tillsammans, liksom ett visat tal på 1–{below} som är lika med ett dolt.",
    ),
    "suppression_marks": pgettext_lazy(
        "report",
        'I rapporten visas varje dold cell som "–", oavsett om den döljs för att den har färre '
        "än {min_cell} fall (regel 1) eller för att en annan uppgift inte ska kunna räknas fram "
        "ur summor och samband (regel 2 och 3). Vilken regel som dolde en viss cell anges inte, "
        "eftersom det i sig kan avslöja små tal: visas en summa på 6 och är dess två delar "
        "dolda, den ena för att den har färre än {min_cell} fall och den andra för att skydda "
        "den, kan delarna bara vara 1 och 5.",
    ),
    "suppression_example": pgettext_lazy(
        "report",
        "Exempel: ett halvår har Sydöst 21 avslutade förlopp, Jönköping 9, Kalmar 8 och "
        "Östergötland 4. Östergötlands 4 döljs, men 21 − 9 − 8 = 4, så även Kalmar (den minsta "
        "av de andra) döljs. Visar inklusionens täljare samma 4 förlopp för Östergötland döljs "
        "även den cellen.",
    ),
    "suppression_audit": pgettext_lazy(
        "report",
        "Innan något publiceras – kubfilen, webbplatsen, API:t och resultatredovisningen – "
        "prövar Löfte resultatet som en inkräktare skulle: alla summor och samband räknas "
        "igenom varv efter varv. Går ett dolt antal på 1–{below} att räkna fram publiceras "
        "ingenting.",
    ),
    "hidden_note": pgettext_lazy(
        "report",
        "– = dold av röjandekontrollen: färre än {min_cell} fall, eller dold för att en annan "
        "uppgift inte ska kunna räknas fram ur summor och samband (bilaga 3). Vilken av "
        "reglerna som gällde anges inte.",
    ),
    "not_testable_note": pgettext_lazy(
        "report",
        "Förändringen mot året före kan inte testas för värden utan antal (medianer, poäng, "
        "värden från register utan täljare och nämnare).",
    ),
    "method_text": pgettext_lazy(
        "report",
        "Andelar = 100 × täljare / nämnare, avrundade till en decimal först vid presentation. "
        "Varje andel har ett 95 % konfidensintervall enligt Wilson. En förändring mellan två "
        "perioder, eller en skillnad mellan två regioner, kallas statistiskt säkerställd när "
        "ett tvåsidigt z-test av två andelar (poolad varians) ger p < 0,05. Medianer av ett "
        "jämnt antal är medelvärdet av de två mittersta värdena. Förändringar i medianer, "
        "poäng och värden utan täljare och nämnare kan inte testas och kommenteras därför "
        "inte. SVF-indikatorerna redovisas efter patientens hemregion (bostadsregion) och "
        "efter det halvår då vårdförloppet avslutades.",
    ),
    "quality_intro": pgettext_lazy(
        "report",
        "SVF-leveranser per region: aktiva och avvisade leveranser, senaste leveransfönster, "
        "lagrade rader och varningar vid kontrollen (t.ex. dubbletter, händelser utan start, "
        "slut före start).",
    ),
    "q_active": pgettext_lazy("report", "Aktiva leveranser"),
    "q_rejected": pgettext_lazy("report", "Avvisade leveranser"),
    "q_window": pgettext_lazy("report", "Data till och med"),
    "q_rows": pgettext_lazy("report", "Lagrade rader"),
    "q_warnings": pgettext_lazy("report", "Varningar"),
    "q_errors": pgettext_lazy("report", "Fel i avvisade leveranser"),
    "q_delivered": pgettext_lazy("report", "Senast levererad"),
    "page": pgettext_lazy("report", "Sida"),
    "unit_percent": pgettext_lazy("report", "procent"),
    "unit_days": pgettext_lazy("report", "dagar"),
    "unit_score": pgettext_lazy("report", "poäng"),
    "unit_count": pgettext_lazy("report", "antal"),
    "synthetic_source": pgettext_lazy("report", "syntetiska"),
    "language_other": pgettext_lazy("report", "In English"),
    # narrative sentences
    "n_target_met": pgettext_lazy("report", "{region} når målnivån {target} ({value})."),
    "n_target_partial": pgettext_lazy(
        "report",
        "{region} ligger mellan den låga och den höga målnivån ({value}; målnivåer {target}).",
    ),
    "n_target_not_met": pgettext_lazy("report", "{region} når inte målnivån {target} ({value})."),
    "n_target_met_high": pgettext_lazy(
        "report",
        "{region} når den höga målnivån {target} ({value}).",
    ),
    "n_target_not_met_low": pgettext_lazy(
        "report",
        "{region} når inte den låga målnivån {target} ({value}).",
    ),
    "n_counties_meeting": pgettext_lazy(
        "report",
        "{met} av {total} regioner med redovisade värden når målnivån.",
    ),
    "n_change_better": pgettext_lazy(
        "report",
        "För {region} ses en positiv utveckling jämfört med {previous} (från {before} till "
        "{after}); förändringen är statistiskt säkerställd.",
    ),
    "n_change_worse": pgettext_lazy(
        "report",
        "För {region} ses en negativ utveckling jämfört med {previous} (från {before} till "
        "{after}); förändringen är statistiskt säkerställd.",
    ),
    "n_range_significant": pgettext_lazy(
        "report",
        "Bland regionerna är värdet högst i {high} ({high_value}) och lägst i {low} "
        "({low_value}); skillnaden är statistiskt säkerställd.",
    ),
    "n_vs_national": pgettext_lazy(
        "report",
        "{region} ligger {relation} riket ({value} mot {national}); skillnaden är statistiskt "
        "säkerställd.",
    ),
    "rel_above": pgettext_lazy("report", "över"),
    "rel_below": pgettext_lazy("report", "under"),
    "n_bottleneck": pgettext_lazy(
        "report",
        "Den längsta delsträckan i {region} är {step} (median {days} dagar).",
    ),
    "n_nothing": pgettext_lazy(
        "report",
        "Underlaget räcker inte för några slutsatser om förändring eller skillnader.",
    ),
    # standing of targets, series and data quality (issue 14, items 1–3)
    "status_reference": pgettext_lazy("report", "Referens, ingen bedömning"),
    "status_data_quality": pgettext_lazy("report", "Datakvalitet, se text"),
    "reference_level": pgettext_lazy("report", "Referens"),
    "series_break_short": pgettext_lazy("report", "ny serie"),
    # the "året före" cell where there is no figure a year earlier to print
    "previous_missing": pgettext_lazy("report", "saknas"),
    # the "året före" cell beside a data-quality finding (a share above 100 %)
    "previous_not_compared": pgettext_lazy("report", "jämförs inte"),
    # the last two of a list of names: "Jönköping, Kalmar och Östergötland"
    "list_and": pgettext_lazy("report", "{first} och {last}"),
    "n_reference": pgettext_lazy(
        "report",
        "Nivån {target} är en referens lånad från ett annat register, ingen målnivå för dessa "
        "patienter; värdena bedöms därför inte mot den.",
    ),
    "n_over_100": pgettext_lazy(
        "report",
        "I {regions} avslutades fler SVF än cancerregistret har nya cancerfall. Det är ett "
        "datakvalitetsfynd, ingen andel, och bedöms inte mot målnivån. Troliga orsaker: "
        "eftersläpning eller ofullständig täckning i cancerregistret, och SVF för patienter "
        "som inte fick någon cancerdiagnos.",
    ),
    "n_series_break": pgettext_lazy(
        "report",
        "Från {period} byter serien källa eller definition för {regions}: från {before} till "
        "{after}. Värden före och efter brottet jämförs inte.",
    ),
    "n_series_breaks_trend": pgettext_lazy(
        "report",
        "I trenddiagrammet bryts linjen där serien byter källa eller definition ({regions}); "
        "källorna står i bilagan om datakällor.",
    ),
    # the what-if block (lofte.reports.whatif, issue 16)
    "whatif_sheet": pgettext_lazy("report sheet", "Vad händer om"),
    "whatif_title": pgettext_lazy(
        "report what-if",
        "Vad händer om ett intervall blir {days} dagar kortare? {region}, {period}",
    ),
    "whatif_pathway": pgettext_lazy("report what-if", "Vårdförlopp"),
    "whatif_baseline": pgettext_lazy("report what-if", "Inom ledtiden, utfall"),
    "whatif_best": pgettext_lazy("report what-if", "Hjälper mest"),
    "whatif_steps": pgettext_lazy(
        "report what-if",
        "Välgrundad misstanke → första besök|Första besök → diagnosbesked|"
        "Diagnosbesked → behandlingsstart",
    ),
    "whatif_note": pgettext_lazy(
        "report what-if",
        "Andel som hade startat behandling inom ledtiden om intervallet hade varit {days} "
        "dagar kortare för varje patient (aldrig under noll dagar), räknat exakt på periodens "
        "avslutade förlopp med ledtid, efter hemregion. Detta är aritmetik på tidigare "
        "patienter, inte en prognos.",
    ),
    "whatif_hidden": pgettext_lazy(
        "report what-if",
        "{n} vårdförlopp visas inte: för få patienter för att visas utan röjanderisk.",
    ),
    "whatif_none": pgettext_lazy("report what-if", "–"),
    "whatif_empty": pgettext_lazy(
        "report what-if",
        "Ingen rad kan visas för {region}: för varje vårdförlopp skulle raden peka ut färre än "
        "{min_cell} patienter, eller så är vårdförloppets andel inom ledtid dold av "
        "röjandekontrollen.",
    ),
    # a parent whose regions include a share above 100 %; the causes by coverage; the other
    # caveats of a promise (ADR 0504, issue 14)
    "n_over_100_parent": pgettext_lazy(
        "report",
        "Andelen för {region} ({value}) bedöms inte mot målnivån: den räknar in {children}, där "
        "andelen är över 100 %, och en bedömning skulle då vila på datafelet.",
    ),
    "n_over_100_covered": pgettext_lazy(
        "report",
        "I {regions} avslutades fler SVF än cancerregistret har nya cancerfall, fast registrets "
        "täckningsgrad är hög. Det är ett datakvalitetsfynd, ingen andel, och bedöms inte mot "
        "målnivån. Troliga orsaker: eftersläpning i cancerregistret, SVF för patienter som inte "
        "fick någon cancerdiagnos och fel i SVF-leveranserna.",
    ),
    "n_line_above": pgettext_lazy(
        "report",
        "{region} ligger över jämförbarhetsgränsen {target} ({value}).",
    ),
    "n_line_below": pgettext_lazy(
        "report",
        "{region} ligger under jämförbarhetsgränsen {target} ({value}).",
    ),
    "caveat_over_100_low_coverage": pgettext_lazy(
        "report",
        "I {regions} är cancerregistrets täckningsgrad under {line}: där kan ofullständig "
        "täckning förklara att inklusionen är över 100 %.",
    ),
    "caveat_over_100_high_coverage": pgettext_lazy(
        "report",
        "I {regions} är inklusionen över 100 % fast cancerregistrets täckningsgrad är hög "
        "({values}), så täckningen förklarar det inte. Troliga orsaker: eftersläpning i "
        "registret, SVF för patienter som inte fick någon cancerdiagnos och fel i "
        "SVF-leveranserna (se varningarna i bilaga 4).",
    ),
    "caveat_coverage_of": pgettext_lazy(
        "report",
        "{indicators} räknas på registrets fall: {name} ({period}) {values}.",
    ),
    "caveat_no_coverage": pgettext_lazy(
        "report",
        "{indicators}: underlaget har ingen täckningsgrad eller svarsfrekvens, så hur "
        "fullständigt det är syns inte i siffrorna.",
    ),
    "caveat_series_break": pgettext_lazy(
        "report",
        "{indicator}: serien byter källa eller definition ({regions}); värden före och efter "
        "brottet jämförs inte.",
    ),
    "caveat_not_additive": pgettext_lazy(
        "report",
        "{indicators} kan inte summeras över regioner: sjukvårdsregionens och rikets värden "
        "är egna uppgifter, inte summan av regionernas.",
    ),
    "caveat_warning_kinds": pgettext_lazy(
        "report",
        "{region} har många fler varningar än de andra regionerna ({count}), främst: {kinds}.",
    ),
    "caveat_warning_kinds_stored": pgettext_lazy(
        "report",
        "{region} har många fler varningar än de andra regionerna ({count}); bland de {stored} "
        "som sparats: {kinds}.",
    ),
    "warning_duplicate_row": pgettext_lazy("report", "dubblettrad"),
    "warning_ignored_column": pgettext_lazy("report", "okänd kolumn"),
    "warning_other": pgettext_lazy("report", "andra slag"),
}


#: Short names of the indicators for workbook sheets (Excel allows 31 characters): a sheet
#: name a reader recognises, never cut inside a word. Indicators not listed get their name
#: shortened between words.
SHEET_NAMES: dict[str, Promise] = {
    "svf_andel_inom_ledtid": pgettext_lazy("report sheet", "Inom SVF-ledtid"),
    "svf_andel_inom_28_dagar": pgettext_lazy("report sheet", "Inom fyra veckor"),
    "svf_ledtid_median": pgettext_lazy("report sheet", "Ledtid, median"),
    "svf_inklusion": pgettext_lazy("report sheet", "Inklusion i SVF"),
    "svf_andel_mdk": pgettext_lazy("report sheet", "MDK enligt SVF"),
    "mdk_andel": pgettext_lazy("report sheet", "MDK enligt register"),
    "overlevnad_tjocktarm_5ar": pgettext_lazy("report sheet", "Överlevnad, tjocktarm"),
    "kontaktsjukskoterska_andel": pgettext_lazy("report sheet", "Kontaktsjuksköterska"),
    "min_vardplan_andel": pgettext_lazy("report sheet", "Min vårdplan"),
    "npe_delaktighet": pgettext_lazy("report sheet", "Patientenkät, delaktighet"),
    "pal_munhalsobedomning": pgettext_lazy("report sheet", "Munhälsobedömning"),
    "pal_smartskattning": pgettext_lazy("report sheet", "Smärtskattning"),
    "pal_vidbehov_opioid": pgettext_lazy("report sheet", "Vid behov, opioid"),
    "pal_vidbehov_angestdampande": pgettext_lazy("report sheet", "Vid behov, ångestdämpande"),
    "pal_utan_trycksar": pgettext_lazy("report sheet", "Utan trycksår"),
    "pal_brytpunktssamtal": pgettext_lazy("report sheet", "Brytpunktssamtal"),
    "pal_tackningsgrad": pgettext_lazy("report sheet", "Palliativ täckningsgrad"),
    "screening_cervix_tackning": pgettext_lazy("report sheet", "Cellprovtagning, täckning"),
    "screening_mammografi_deltagande": pgettext_lazy("report sheet", "Mammografi, deltagande"),
    "screening_tarm_deltagande": pgettext_lazy("report sheet", "Tarmscreening, deltagande"),
    "hpv_catch_up": pgettext_lazy("report sheet", "HPV-vaccination"),
    "studier_oppna": pgettext_lazy("report sheet", "Öppna kliniska studier"),
    "studier_andel_inkluderade": pgettext_lazy("report sheet", "Inkluderade i studier"),
}


@cache
def _worded(table: str, key: str, lang: str) -> str:
    """``TEXTS[key]`` (``table`` "texts") or ``SHEET_NAMES[key]`` ("sheets") in ``lang``. The
    catalogues do not change while Löfte runs, and a report looks up a few thousand texts:
    each is translated once per language."""
    text = TEXTS[key] if table == "texts" else SHEET_NAMES[key]
    with override(lang):
        return str(text)


def t(key: str, lang: str, **params: object) -> str:
    """The text of ``key`` in ``lang`` (``sv`` or ``en``), with ``params`` filled in."""
    text = _worded("texts", key, lang)
    return text.format(**params) if params else text


def sheet_name(code: str, lang: str) -> str:
    """An indicator's short name for a workbook sheet ("" when it has none)."""
    return _worded("sheets", code, lang) if code in SHEET_NAMES else ""


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


#: The regions whose name in the catalogue (``regions.yaml``) is not English already, marked
#: for the catalogue (context "region"): the message id is the catalogue's name, the English
#: the region's own ("Region Jönköping County", …; the healthcare regions as RCC translates
#: them). A region not listed keeps its name in English too ("Region Östergötland").
REGION_NAMES = (
    pgettext_lazy("region", "Region Jönköpings län"),  # 06
    pgettext_lazy("region", "Region Kalmar län"),  # 08
    pgettext_lazy("region", "Västra Götalandsregionen"),  # 14
    pgettext_lazy("region", "Region Örebro län"),  # 18
    pgettext_lazy("region", "Norra sjukvårdsregionen"),  # norra
    pgettext_lazy("region", "Sjukvårdsregion Mellansverige"),  # mellansverige
    pgettext_lazy("region", "Sjukvårdsregion Stockholm-Gotland"),  # stockholm-gotland
    pgettext_lazy("region", "Sydöstra sjukvårdsregionen"),  # sydost
    pgettext_lazy("region", "Södra sjukvårdsregionen"),  # syd
    pgettext_lazy("region", "Västra sjukvårdsregionen"),  # vast
)


@cache
def _region_name(name: str, lang: str) -> str:
    """A region's catalogue name in ``lang`` (itself where the catalogue has no other)."""
    with override(lang):
        return pgettext("region", name)


def series_label(source: str, definition: str, lang: str) -> str:
    """A series (source, and definition where it is not the catalogue's) in ``lang``: the
    shipped sources have their English in the catalogue of ``lofte.cube``."""
    from lofte.cube.aggregates import Series

    return Series(source, definition).label(lang)


def region_names(regions: dict[str, str], lang: str) -> dict[str, str]:
    """The catalogue's region names in ``lang``, with the nation called by its name."""
    names = {code: _region_name(name, lang) for code, name in regions.items()}
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
