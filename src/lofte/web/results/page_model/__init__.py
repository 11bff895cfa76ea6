"""Page models of the public results site: plain, Django-free functions from data to context.

A view parses the request, asks the cube (:mod:`lofte.cube.query`) for the cells, calls a page
model and renders its template with the result; the page model decides everything the page
says. Nothing here imports Django (a test imports the package with Django blocked), so each
function can be tested with a catalogue, a selection and a few cells.

- :mod:`.base`: the inputs (:class:`PageData`) and the figures every tab shares (:class:`Page`);
- :mod:`.indicator`: an indicator's page as a whole (:func:`indicator_page`);
- :mod:`.comparison`, :mod:`.trend`, :mod:`.county_map`: the tabs;
- :mod:`.choices`: the form's choices;
- :mod:`.start`: the start page's cards.
"""

from lofte.web.results.page_model.base import ChartKit, PageData, shown_regions
from lofte.web.results.page_model.county_map import map_filters
from lofte.web.results.page_model.indicator import indicator_page

__all__ = ["ChartKit", "PageData", "indicator_page", "map_filters", "shown_regions"]
