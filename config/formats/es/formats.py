# Spanish as the consulates write it: Mexico's formats (1,800.00; 17/05/1990), not Spain's.
# Pages write a date one way per language: "1 de diciembre de 2026" (DATE_FORMAT) or, in
# tables, "01/12/2026" (SHORT_DATE_FORMAT).
from django.conf.locale.es_MX.formats import *  # noqa: F403

DATE_FORMAT = r"j \d\e F \d\e Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
# <input type="date"> takes and gives ISO dates whatever the language, so a form shown again
# (a draft being edited) must write its dates as ISO first; the others are still read.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%Y%m%d"]
