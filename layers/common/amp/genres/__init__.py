"""The one genre module: every genre's profile, read by the parser, the composer, the mixer and QA.

`families` holds the small fixed vocabularies (harmony/texture family, drum feel) that the rest of
AMP switches on; the profile table maps each genre name to them.
"""
