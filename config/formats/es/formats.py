# Spanish as the consulates write it: Mexico's formats (1,800.00; 17/05/1990), not Spain's.
from django.conf.locale.es_MX.formats import *  # noqa: F403
