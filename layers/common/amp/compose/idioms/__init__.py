"""The composer's idioms for the families beyond electronic, hip hop, jazz, ambient and pop: one
module per family, each with its own harmony, texture and rhythm. `idiom_for` is the dispatch;
families without an entry are written by the shared composer (amp.compose.lines / rhythm)."""

from amp.compose.idioms.base import Frame, Idiom, Material, PartContext
from amp.compose.idioms.blues import Blues
from amp.compose.idioms.choral import Choral
from amp.compose.idioms.classical import Classical
from amp.compose.idioms.folk import Folk
from amp.compose.idioms.latin import Latin
from amp.compose.idioms.orchestral import Orchestral
from amp.compose.idioms.rock import Rock
from amp.compose.idioms.world import World
from amp.genres import Family

__all__ = ["Frame", "Idiom", "Material", "PartContext", "idiom_for"]

_IDIOMS: dict[Family, Idiom] = {
    idiom.family: idiom
    for idiom in (Classical(), Choral(), Folk(), Rock(), Blues(), Latin(), World(), Orchestral())
}


def idiom_for(family: Family) -> Idiom | None:
    """The family's idiom; None for the families the shared composer writes."""
    return _IDIOMS.get(family)
