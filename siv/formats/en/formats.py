# The English interface shows dates and numbers as Danish staff write them.
from siv.formats.da.formats import *  # noqa: F403
