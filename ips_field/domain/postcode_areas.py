"""Which postcode districts the places of the two service areas lie in (issue 17).

A volunteer's home area is typed as a place, a postcode district or both ("Bletchley
MK2"), and a family's as a place or an address. This map lets a district be compared with
a place name: a family at "MK3 6EW" lives in Bletchley, and a volunteer whose home area is
"BA2" lives where Combe Down is. It is used only to find more overlaps, never to call two
places different, so a place missing here (or a district that also covers other places)
can cost at most a warning too many, never a missed conflict.

Districts are written lower case without spaces; places as the matcher's words (see
``conflicts.normalise_area``). Only well-known places are listed: Milton Keynes (MK) and
Bath and North East Somerset (BA, BS31, BS39, BS40).
"""

from __future__ import annotations

DISTRICT_PLACES: dict[str, tuple[str, ...]] = {
    # Milton Keynes
    "mk1": ("bletchley", "fenny stratford", "denbigh", "mount farm"),
    "mk2": ("bletchley", "fenny stratford", "water eaton", "brickfields"),
    "mk3": ("bletchley", "west bletchley", "far bletchley", "old bletchley"),
    "mk4": (
        "emerson valley",
        "furzton",
        "tattenhoe",
        "westcroft",
        "kingsmead",
        "shenley brook end",
    ),
    "mk5": ("loughton", "shenley church end", "shenley lodge", "crownhill", "elfield park"),
    "mk6": ("netherfield", "fishermead", "coffee hall", "beanhill", "eaglestone", "oldbrook"),
    "mk7": ("walnut tree", "kents hill", "walton", "wavendon gate", "browns wood", "caldecotte"),
    "mk8": ("two mile ash", "great holm", "wymbush", "whaddon"),
    "mk9": ("central milton keynes", "cmk"),
    "mk10": ("broughton", "monkston", "kingston", "middleton", "oakgrove", "brinklow"),
    "mk11": ("stony stratford", "fullers slade", "galley hill", "kiln farm"),
    "mk12": ("wolverton", "greenleys", "hodge lea", "stacey bushes"),
    "mk13": ("bradwell", "new bradwell", "bradville", "heelands", "rooksley", "bancroft"),
    "mk14": ("great linford", "stantonbury", "downs barn", "neath hill", "giffard park"),
    "mk15": ("willen", "woolstone", "campbell park", "tongwell"),
    "mk16": ("newport pagnell",),
    "mk17": ("woburn sands", "newton longville", "bow brickhill", "wavendon"),
    "mk18": ("buckingham", "winslow"),
    "mk19": ("hanslope", "castlethorpe", "old stratford", "deanshanger", "haversham"),
    "mk46": ("olney", "emberton", "lavendon"),
    # Bath and North East Somerset
    "ba1": ("bath", "weston", "larkhall", "lansdown", "newbridge", "batheaston", "bathford"),
    "ba2": (
        "bath",
        "combe down",
        "odd down",
        "twerton",
        "widcombe",
        "oldfield park",
        "southdown",
        "bathwick",
        "freshford",
        "peasedown st john",
        "timsbury",
        "camerton",
        "wellow",
    ),
    "ba3": ("radstock", "midsomer norton", "westfield"),
    "bs31": ("keynsham", "saltford"),
    "bs39": ("paulton", "high littleton", "clutton", "temple cloud"),
    "bs40": ("chew magna", "chew stoke", "bishop sutton"),
}


def _by_place() -> dict[tuple[str, ...], frozenset[str]]:
    out: dict[tuple[str, ...], set[str]] = {}
    for district, places in DISTRICT_PLACES.items():
        for place in places:
            out.setdefault(tuple(place.split()), set()).add(district)
    return {place: frozenset(d) for place, d in out.items()}


PLACE_DISTRICTS: dict[tuple[str, ...], frozenset[str]] = _by_place()
