# English as the partners read it: "Dec. 1, 2026" (DATE_FORMAT) or, in tables, "12/01/2026"
# (SHORT_DATE_FORMAT), one way on every page.
from django.conf.locale.en.formats import *  # noqa: F403

DATE_FORMAT = "N j, Y"
SHORT_DATE_FORMAT = "m/d/Y"
DATETIME_FORMAT = "N j, Y, P"
SHORT_DATETIME_FORMAT = "m/d/Y P"
# <input type="date"> takes and gives ISO dates: ISO first so forms shown again keep them.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"]
