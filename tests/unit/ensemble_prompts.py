"""A labelled prompt set for ensembles, forms and styles (issue 14, "Measured").

Each case gives the genre family the prompt should be written in, the roles its band may have (the
spec's stems must be a non-empty subset: a role outside it is a part the ensemble lacks), roles that
must not appear, the metre a form or style implies (None: not checked) and instrument names that
must be present. Electronic prompts are here too: they must stay as they were.
"""

from dataclasses import dataclass, field

from amp.domain.spec import Role
from amp.genres import Family
from amp.prompt.instruments import FX, PAD, A, B, C, D, L, P, V  # the role letters of the instrument table

ALL_ROLES = frozenset(Role)
ACOUSTIC_CHAMBER = frozenset({B, C, PAD, L, A})
"""A chamber ensemble: pitched parts only, no drums, percussion, effects or voices."""


@dataclass(frozen=True)
class EnsembleCase:
    prompt: str
    family: Family
    roles: frozenset[Role]
    forbidden: frozenset[Role] = frozenset()
    metre: str | None = None
    has: tuple[str, ...] = field(default=())


def e(  # noqa: PLR0917 - one compact row per prompt
    prompt: str,
    family: Family,
    roles: set[Role] | frozenset[Role],
    forbidden: set[Role] | frozenset[Role] = frozenset(),
    metre: str | None = None,
    has: tuple[str, ...] = (),
) -> EnsembleCase:
    return EnsembleCase(prompt, family, frozenset(roles), frozenset(forbidden), metre, has)


F = Family
NO_KIT = {D, P}
CASES: tuple[EnsembleCase, ...] = (
    # classical and chamber
    e("a duet for two violins", F.CLASSICAL, {L, A}, NO_KIT | {B, PAD, C}, has=("violin",)),
    e("unaccompanied viola", F.CLASSICAL, {L}, NO_KIT | {B, PAD, C}, has=("viola",)),
    e("a Chopin-style mazurka", F.CLASSICAL, ACOUSTIC_CHAMBER, NO_KIT, "3/4"),
    e(
        "string quartet, gentle, in G",
        F.CLASSICAL,
        {L, A, C, B},
        NO_KIT | {PAD},
        has=("violin", "viola", "cello"),
    ),
    e("solo piano nocturne", F.CLASSICAL, {C}, NO_KIT | {B}, "4/4", ("piano",)),
    e("a minuet for string trio", F.CLASSICAL, {L, C, B}, NO_KIT, "3/4"),
    e("piano trio in E minor", F.CLASSICAL, {C, L, B}, NO_KIT, has=("piano", "violin", "cello")),
    e("baroque fugue on the harpsichord", F.CLASSICAL, ACOUSTIC_CHAMBER, NO_KIT, "4/4", ("harpsichord",)),
    e("wind quintet, playful", F.CLASSICAL, ACOUSTIC_CHAMBER, NO_KIT, has=("flute", "oboe", "bassoon")),
    e("cello solo, melancholic", F.CLASSICAL, {L}, NO_KIT | {B, PAD}, has=("cello",)),
    e("Debussy-like impressionist piano piece", F.CLASSICAL, ACOUSTIC_CHAMBER, NO_KIT),
    e("brass quintet", F.CLASSICAL, ACOUSTIC_CHAMBER, NO_KIT, has=("trumpet", "french horn", "tuba")),
    e("harp solo", F.CLASSICAL, {A}, NO_KIT | {B}, has=("harp",)),
    e("a fast etude for piano", F.CLASSICAL, {C}, NO_KIT | {B}, "4/4"),
    e("a Bach-style invention for harpsichord", F.CLASSICAL, {C}, NO_KIT | {B}, has=("harpsichord",)),
    e("a sonatina for piano in the style of Mozart", F.CLASSICAL, {C}, NO_KIT, has=("piano",)),
    e("solo cello in D minor", F.CLASSICAL, {L}, NO_KIT | {B}),
    e("a piece for violin and piano", F.CLASSICAL, {L, C}, NO_KIT | {B}),
    e("strings only, slow and sad", F.CLASSICAL, {PAD}, NO_KIT | {B, L}),
    e("a cello quartet", F.CLASSICAL, ACOUSTIC_CHAMBER, NO_KIT, has=("cello",)),
    e("string quintet with two violas", F.CLASSICAL, ACOUSTIC_CHAMBER, NO_KIT, has=("viola",)),
    # choral
    e("a cappella choir hymn", F.CHORAL, {V}, ALL_ROLES - {V}),
    e("choir singing a requiem", F.CHORAL, {V}, ALL_ROLES - {V}),
    e("SATB chorale, slow", F.CHORAL, {V}, ALL_ROLES - {V}),
    e("gregorian chant", F.CHORAL, {V}, NO_KIT | {B}),
    e("barbershop quartet", F.CHORAL, {V}, ALL_ROLES - {V}),
    e("hymn with choir and pipe organ", F.CHORAL, {V, C}, NO_KIT | {B}),
    # folk traditions
    e("solo banjo", F.FOLK, {C}, ALL_ROLES - {C}, has=("banjo",)),
    e(
        "celtic reel on fiddle and tin whistle",
        F.FOLK,
        {L, A, C, P},
        {D, B},
        "4/4",
        ("fiddle", "tin whistle"),
    ),
    e("a jig for fiddle", F.FOLK, {L}, ALL_ROLES - {L}, "6/8"),
    e("bluegrass with banjo and mandolin", F.FOLK, {B, C, L, A, PAD}, {D}, has=("banjo", "mandolin")),
    e("klezmer clarinet and accordion", F.FOLK, {L, A, C, B}, {D}, has=("clarinet", "accordion")),
    e("flamenco guitar with castanets", F.FOLK, {C, P}, {D, B}),
    e("irish folk tune on tin whistle only", F.FOLK, {L}, ALL_ROLES - {L}),
    e("polka with accordion", F.FOLK, {L, B, D, A}, {PAD}, "2/4"),
    e("balkan brass band", F.FOLK, {L, A, C, B, P}, {D}, "7/8"),
    e("a sea shanty", F.FOLK, ALL_ROLES - {FX}, {FX}, "6/8"),
    # rock, metal, blues
    e("heavy metal with double kick", F.ROCK, {D, B, C, L}, {PAD, FX}),
    e("power trio blues shuffle", F.BLUES, {C, B, D}, {PAD, L, A}, "4/4"),
    e("punk rock, fast and loud", F.ROCK, {D, B, C, L, V}, {PAD}),
    e("a song that sounds like Led Zeppelin", F.ROCK, {D, B, C, L}, {PAD}),
    e("Metallica-style thrash", F.ROCK, {D, B, C, L}, {PAD}),
    e("grunge in the style of Nirvana", F.ROCK, {D, B, C, L}, {PAD}),
    e("12-bar blues on harmonica and acoustic guitar", F.BLUES, {L, C, D, B}, {PAD}, "4/4"),
    e("delta blues, just slide guitar and voice", F.BLUES, {L, V}, ALL_ROLES - {L, V}),
    e("chicago blues shuffle", F.BLUES, {D, B, C, L, PAD}, {FX}),
    # latin
    e("bossa nova with nylon guitar", F.LATIN, {C, D, B, L}, {PAD, FX}),
    e("tango with bandoneon and violin", F.LATIN, {L, C, B}, {D, PAD}, has=("bandoneon", "violin")),
    e("salsa with congas and timbales", F.LATIN, ALL_ROLES - {FX, V}, {FX}),
    e("samba batucada", F.LATIN, ALL_ROLES - {FX, V}, {FX}, "2/4"),
    e("cumbia with accordion", F.LATIN, ALL_ROLES - {FX, V}, {FX}),
    e("a Piazzolla-style tango", F.LATIN, {L, C, B, PAD, A}, {D}),
    # world traditions
    e("sitar and tabla raga at dusk", F.WORLD, {L, P, PAD}, {D, B}, has=("sitar", "tabla")),
    e("oud and darbuka, middle eastern maqam", F.WORLD, {L, A, P, C}, {D}),
    e("kora and balafon", F.WORLD, {A, L, P}, {D, B}),
    e("koto and shakuhachi duet", F.WORLD, {L, A, C}, ALL_ROLES - {L, A, C}),
    e("erhu solo", F.WORLD, {L}, ALL_ROLES - {L}),
    e("balinese gamelan", F.WORLD, {A, L, P}, {D, B}),
    e("andean pan flute with charango", F.WORLD, {L, C, P}, {D}),
    e("steel drums calypso", F.WORLD, {L, B, D, P}, {PAD}),
    e("didgeridoo drone", F.WORLD, {PAD, P, L, B}, {D}),
    e("guzheng and dizi, peaceful", F.WORLD, {A, L, C}, {D}),
    e("duduk and frame drum", F.WORLD, {L, P, A, C}, {D}),
    e("tanpura drone with sarangi", F.WORLD, {PAD, L, P}, {D}),
    # orchestral and cinematic
    e("epic orchestral film score", F.ORCHESTRAL, {P, PAD, C, V, L}, {D}),
    e("Hans Zimmer style trailer music", F.ORCHESTRAL, {P, PAD, C, V, L}, {D}),
    e("an adventure theme like John Williams", F.ORCHESTRAL, {P, PAD, C, V, L}, {D}),
    e("military march for brass band", F.ORCHESTRAL, {D, B, C, L}, {PAD}, "2/4"),
    # electronic, hip hop, pop, jazz: must stay as they are
    e("dark techno 130 bpm", F.EDM, {D, B, PAD, L, P}, {V}),
    e("liquid drum and bass with reese bass", F.DNB, {D, B, PAD, L}, {V}),
    e("lofi hip hop with rhodes", F.HIPHOP, {C, D, B, FX, PAD}, {V}),
    e("trap beat with 808s", F.HIPHOP, {D, B, PAD, L}, {V}),
    e("uplifting trance", F.EDM, {D, B, PAD, L, A, FX}, {V}),
    e("deep house groove", F.EDM, {D, B, C, PAD, L}, {V}),
    e("an electronic track", F.EDM, {D, B, PAD, L}, {V}),
    e("smooth jazz trio", F.JAZZ, {C, B, D}, {PAD, L}),
    e("pop song with female vocals", F.POP, {V, D, B, C, PAD, L}, {FX}),
    e("no band, just acoustic guitar and voice", F.POP, {C, V}, ALL_ROLES - {C, V}),
)
