"""Chart specifications shared by the results report and the public site (issue 17).

:mod:`lofte.charts.spec` turns plain data (rows of dicts, reference levels) into Vega-Lite
specification dicts. The report (:mod:`lofte.reports.charts`) and the site
(:mod:`lofte.web.results.charts`) only gather their words and rows and call it, so both keep one
set of conventions: shares from 0 to 100 %, a share above 100 % marked as a data-quality
finding, a change of source or definition marked and never joined by a line, no region in red.
The package imports nothing from Löfte: it sits below the report and the site in the layers.
"""
