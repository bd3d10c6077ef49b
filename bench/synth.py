"""Seeded, memory-lean scale-up generator: MovieLens-shaped SYNTHETIC interaction logs of any size.

Every distribution is fitted from the bundled MovieLens latest-small files (``data/ml-latest-small``)
when the generator starts, then sampled at the requested size:

- **item popularity**: a Zipf-Mandelbrot law on the *relative* popularity rank ``x = rank / n_items``,
  ``weight(x) = (x + q) ** -a``, fitted by least squares on MovieLens' log rank-frequency curve (a ~ 2,
  q ~ 0.08). Using the relative rank keeps the head/tail shape when the catalogue grows.
- **user activity**: log-normal fitted to MovieLens' interactions per user (mu ~ 4.45, sigma ~ 1.06),
  truncated below at MovieLens' minimum of 20. The user count follows from the interaction budget
  (1M interactions -> ~6k users, as in the real MovieLens 1M).
- **genre mix**: the number of genres per item follows MovieLens' distribution; the first genre is drawn
  from the genre marginal, further genres from the co-occurrence row of the genres already chosen.
- **user taste**: each user bootstraps one MovieLens user's genre shares and perturbs them with a
  Dirichlet draw; an interaction picks a genre from that taste (or, with probability ``explore``, the
  whole catalogue) and then an item of that genre in proportion to its popularity weight.
- **ratings**: a Gaussian copula ``z = a*user + b*item + c*noise`` mapped through MovieLens' empirical
  rating quantiles, so the marginal matches (0.5..5 in half stars) and user/item effects have
  MovieLens' spread.
- **timestamps**: each user's first timestamp and activity span are bootstrapped from MovieLens users.
- **texts**: titles and descriptions are templated from per-genre vocabularies (see ``VOCAB``). They are
  SYNTHETIC: they read like catalogue copy but describe no real work.

Writes ``interactions.csv`` (``user_id,item_id,rating,timestamp``), ``items.csv``
(``item_id,title,year,genres,description``; genres ``|``-separated as in MovieLens), ``meta.json``
(parameters, fitted MovieLens statistics and the statistics actually realised) and ``README.md``.
Deterministic for a given ``(interactions, items, seed)``; users are generated and written in chunks so
peak memory stays ~ a few hundred MB even at 5M interactions.

Usage::

    python -m bench.synth --interactions 1000000 --items 100000 --out bench/data/1m --seed 0

Implicit feedback (play counts with heavy tails per pair, user and track; the ``plays`` demo) comes from the
companion module :mod:`bench.synth_plays` (``python -m bench.synth_plays``), which reuses :func:`fit_movielens`.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

ML_DIR = Path(__file__).resolve().parent.parent / "data" / "ml-latest-small"
NO_GENRE = "(no genres listed)"
USER_CHUNK = 2_000
MIN_PER_USER = 20

SIZES: dict[str, tuple[int, int]] = {
    "100k": (100_000, 10_000),
    "1m": (1_000_000, 100_000),
    "5m": (5_000_000, 100_000),
}
"""Named benchmark sizes: interactions, items."""

# Per-genre vocabulary: (adjectives, nouns, topics, settings). Synthetic copy, written for this generator.
VOCAB: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "Action": (("Iron", "Burning", "Final", "Savage", "Rapid", "Lethal", "Steel", "Rogue"),
               ("Strike", "Pursuit", "Fury", "Showdown", "Protocol", "Vendetta", "Breakout", "Siege"),
               ("a rescue mission gone wrong", "a chase across rooftops", "a heist on an armoured train",
                "a bodyguard who cannot fail", "a rogue agent on the run", "a one-night siege"),
               ("a port city", "a border town", "a skyscraper", "a mountain pass")),
    "Adventure": (("Lost", "Distant", "Golden", "Hidden", "Wild", "Endless", "Forgotten", "Bold"),
                  ("Expedition", "Voyage", "Map", "Kingdom", "Island", "Quest", "Trail", "Compass"),
                  ("a treasure hunt", "an expedition into uncharted jungle", "a voyage to a lost island",
                   "a search for a missing explorer", "a race to an ancient temple"),
                  ("the open sea", "a jungle", "the desert", "the Arctic")),
    "Animation": (("Little", "Brave", "Magic", "Tiny", "Bright", "Paper", "Curious", "Sunny"),
                  ("Fox", "Robot", "Balloon", "Dragon", "Lantern", "Penguin", "Garden", "Toybox"),
                  ("a toy that comes to life", "a talking animal's journey home", "a young inventor",
                   "friendship between unlikely creatures", "a hand-drawn fairy tale"),
                  ("a painted valley", "a toy shop", "a forest village", "a floating city")),
    "Children": (("Happy", "Silly", "Secret", "Brave", "Friendly", "Lucky", "Sleepy", "Merry"),
                 ("Puppy", "Treehouse", "Summer", "Adventure", "Club", "Kite", "Pony", "Holiday"),
                 ("a family pet that goes missing", "a school talent show", "siblings on summer holiday",
                  "a kid who finds a magic key", "a lost puppy"),
                 ("a small town", "a summer camp", "grandma's farm", "a school")),
    "Comedy": (("Crazy", "Awkward", "Wild", "Big", "Lucky", "Accidental", "Perfect", "Terrible"),
               ("Wedding", "Weekend", "Roommates", "Vacation", "Neighbours", "Reunion", "Dinner", "Mixup"),
               ("a wedding that goes hilariously wrong", "two mismatched roommates",
                "a family road trip", "an office prank war", "a case of mistaken identity"),
               ("the suburbs", "a seaside resort", "an office", "a wedding venue")),
    "Crime": (("Dirty", "Cold", "Crooked", "Silent", "Bloody", "Hard", "Stolen", "Double"),
              ("Money", "Deal", "Job", "Alibi", "Syndicate", "Witness", "Cartel", "Score"),
              ("a detective chasing a mob boss", "a bank robbery crew", "a corrupt police precinct",
               "a getaway driver's last job", "a con artist's long game"),
              ("the docks", "a gritty city", "Las Vegas", "a precinct house")),
    "Documentary": (("True", "Inside", "Hidden", "Real", "Untold", "Secret", "Living", "Modern"),
                    ("Story", "World", "Planet", "Life", "Voices", "Record", "Archive", "Portrait"),
                    ("the life of a legendary musician", "climate change", "wild animals of the savanna",
                     "the history of a famous trial", "food and farming"),
                    ("real locations", "the archives", "three continents", "a remote village")),
    "Drama": (("Quiet", "Broken", "Tender", "Long", "Second", "Bitter", "Fragile", "Grand"),
              ("Season", "Promise", "House", "Letter", "Road", "Silence", "Inheritance", "Years"),
              ("a family torn apart by a secret", "a teacher who changes a student's life",
               "grief and reconciliation", "a struggling artist", "a marriage under strain"),
              ("a rural town", "a hospital", "a working-class neighbourhood", "a courtroom")),
    "Fantasy": (("Enchanted", "Shadow", "Crystal", "Elder", "Cursed", "Silver", "Mythic", "Moonlit"),
                ("Sword", "Throne", "Realm", "Sorcerer", "Prophecy", "Crown", "Spellbook", "Wyrm"),
                ("a chosen one and an ancient prophecy", "a wizard's apprentice",
                 "a quest for a magical sword", "a kingdom under a curse", "elves and dragons"),
                ("a mythical kingdom", "an enchanted forest", "a wizard's tower", "the underworld")),
    "Film-Noir": (("Dark", "Deadly", "Night", "Smoky", "Fatal", "Black", "Rain-soaked", "Gilded"),
                  ("Alley", "Dame", "City", "Shadows", "Detour", "Bullet", "Kiss", "Confession"),
                  ("a femme fatale and a doomed private eye", "a murder in the rain",
                   "an insurance fraud", "a hard-boiled detective"), ("1940s Los Angeles", "a jazz club",
                                                                      "a seedy hotel", "wet streets")),
    "Horror": (("Haunted", "Cursed", "Bleeding", "Hollow", "Wicked", "Rotten", "Howling", "Pale"),
               ("House", "Ritual", "Night", "Asylum", "Woods", "Cellar", "Possession", "Scream"),
               ("a haunted house", "a demonic possession", "a masked killer at a summer camp",
                "zombies overrunning a town", "a cursed videotape"),
               ("an abandoned asylum", "a cabin in the woods", "a cemetery", "a remote village")),
    "IMAX": (("Giant", "Vast", "Soaring", "Epic", "Deep", "Sky-high", "Immense", "Towering"),
             ("Horizon", "Frontier", "Ocean", "Summit", "Canyon", "Reef", "Orbit", "Glacier"),
             ("breathtaking large-format footage", "a journey to the deep ocean",
              "astronauts on a space station", "the world's highest peaks"),
             ("a giant screen", "low orbit", "the ocean floor", "the Himalayas")),
    "Musical": (("Singing", "Dancing", "Golden", "Broadway", "Sweet", "Starlit", "Jazzy", "Swinging"),
                ("Melody", "Stage", "Chorus", "Rhythm", "Serenade", "Ballroom", "Overture", "Number"),
                ("a chorus girl's big break", "a dance competition", "a Broadway show in trouble",
                 "songs and romance", "a band on tour"), ("Broadway", "a dance hall", "Paris", "Vienna")),
    "Mystery": (("Missing", "Strange", "Silent", "Locked", "Vanishing", "Crooked", "Veiled", "Twelfth"),
                ("Clue", "Key", "Room", "Manor", "Puzzle", "Stranger", "Riddle", "Inquest"),
                ("a locked-room murder", "an amateur sleuth", "a disappearance in a quiet village",
                 "a detective and an unreliable witness", "a cozy whodunit"),
                ("an English village", "a country manor", "a train", "a lighthouse")),
    "Romance": (("Sweet", "Secret", "Endless", "Summer", "First", "Forbidden", "Starry", "Lovesick"),
                ("Kiss", "Heart", "Affair", "Letters", "Valentine", "Embrace", "Promise", "Date"),
                ("two strangers who meet on a train", "a summer love", "a forbidden affair",
                 "old flames reunited", "a long-distance relationship"),
                ("Paris", "a seaside town", "New York", "a vineyard")),
    "Sci-Fi": (("Quantum", "Stellar", "Synthetic", "Orbital", "Neon", "Cosmic", "Binary", "Void"),
               ("Signal", "Colony", "Android", "Nebula", "Paradox", "Drift", "Station", "Singularity"),
               ("first contact with an alien signal", "time travel", "an android who wants to be human",
                "a colony ship in deep space", "a dystopian megacity"),
               ("Mars", "a space station", "the year 2300", "a starship")),
    "Thriller": (("Hidden", "Deadly", "Silent", "Fatal", "Dark", "Final", "Twisted", "Blind"),
                 ("Game", "Conspiracy", "Target", "Witness", "Hour", "Trap", "Code", "Countdown"),
                 ("a conspiracy in the government", "a stalker", "a kidnapping with a ticking clock",
                  "a whistleblower on the run", "a psychological cat-and-mouse game"),
                 ("Washington", "a remote island", "a hotel", "a tech company")),
    "War": (("Bloody", "Last", "Iron", "Burning", "Brave", "Fallen", "Frozen", "Valiant"),
            ("Front", "Battalion", "Trench", "Beachhead", "Battle", "Platoon", "Ridge", "Line"),
            ("soldiers behind enemy lines", "a WWII battle", "a platoon in the jungle",
             "a pilot shot down", "the cost of war"), ("Normandy", "the Pacific", "the Eastern Front",
                                                       "a jungle")),
    "Western": (("Lone", "Dusty", "Wild", "Outlaw", "Iron", "High", "Red", "Last"),
                ("Rider", "Saloon", "Gunfighter", "Frontier", "Ranch", "Sheriff", "Canyon", "Stagecoach"),
                ("a gunfighter seeking revenge", "a sheriff and an outlaw gang", "a cattle drive",
                 "a frontier town", "a bounty hunter"), ("the Old West", "Texas", "a frontier town",
                                                        "a desert canyon")),
    NO_GENRE: (("Untitled", "Other", "Plain", "Simple", "Common", "Open", "Blank", "Small"),
               ("Picture", "Feature", "Film", "Reel", "Piece", "Work", "Project", "Cut"),
               ("everyday life", "an ordinary day", "people and places"),
               ("a city", "the countryside", "somewhere")),
}

FORMS = ("film", "feature", "picture", "story", "movie", "tale")
TEMPLATES = (
    "A {adj1} {genre} {form} about {topic1}, set in {setting}.",
    "{topic1_cap} meets {topic2} in this {adj1} {genre} {form} set in {setting}.",
    "In {setting}, {topic1} leads to {topic2}. A {adj1} {genre} {form}.",
    "A {adj1}, {adj2} {genre} {form}: {topic1}, {topic2}, and {setting}.",
)
TITLE_TEMPLATES = ("The {adj} {noun}", "{adj} {noun}", "{noun} of the {adj2} {noun2}",
                   "{noun}: {adj} {noun2}", "{adj} {noun} {numeral}")
NUMERALS = ("II", "III", "IV", "2", "Returns", "Rising", "Reborn", "Forever")


@dataclass(frozen=True)
class MovieLensStats:
    """Distributions fitted from MovieLens latest-small; sampled by :func:`generate`."""

    genres: list[str]
    genre_marginal: list[float]
    genre_cooccurrence: list[list[float]]
    genres_per_item: dict[int, float]
    pop_exponent: float
    pop_offset: float
    activity_mu: float
    activity_sigma: float
    rating_values: list[float]
    rating_probs: list[float]
    user_effect: float
    item_effect: float
    user_taste: list[list[float]]
    user_start: list[float]
    user_span: list[float]
    item_years: list[float]


def fit_movielens(ml_dir: Path = ML_DIR) -> MovieLensStats:
    """Fit the generator's distributions from MovieLens ``ratings.csv`` and ``movies.csv``."""
    ratings = pd.read_csv(ml_dir / "ratings.csv")
    movies = pd.read_csv(ml_dir / "movies.csv")
    genre_lists = movies["genres"].str.split("|")
    genres = sorted({g for gl in genre_lists for g in gl})
    gpos = {g: i for i, g in enumerate(genres)}
    n_g = len(genres)
    onehot = np.zeros((len(movies), n_g))
    for row, gl in enumerate(genre_lists):
        onehot[row, [gpos[g] for g in gl]] = 1.0
    marginal = onehot.sum(0) / onehot.sum()
    co = onehot.T @ onehot
    np.fill_diagonal(co, 0.0)
    k_counts = pd.Series(onehot.sum(1).astype(int)).value_counts(normalize=True).sort_index()

    # popularity: Zipf-Mandelbrot on relative rank, grid over the offset, least squares in log space
    counts = ratings["movieId"].value_counts().to_numpy(dtype=float)
    x = np.arange(1, len(counts) + 1) / len(counts)
    best: tuple[float, float, float] = (np.inf, 0.0, 0.0)
    for q in np.geomspace(1e-4, 0.5, 80):
        design = np.vstack([np.log(x + q), np.ones_like(x)]).T
        coef = np.linalg.lstsq(design, np.log(counts), rcond=None)[0]
        err = float(((design @ coef - np.log(counts)) ** 2).mean())
        if err < best[0]:
            best = (err, float(q), float(-coef[0]))

    per_user = ratings["userId"].value_counts().to_numpy(dtype=float)
    log_act = np.log(per_user)

    rating_dist = ratings["rating"].value_counts(normalize=True).sort_index()
    rstd = float(ratings["rating"].std())
    user_mean = ratings.groupby("userId")["rating"].mean()
    item_counts = ratings["movieId"].value_counts()
    well_rated = ratings[ratings["movieId"].isin(item_counts[item_counts >= 20].index)]
    item_mean = well_rated.groupby("movieId")["rating"].mean()
    user_effect = min(0.6, float(user_mean.std()) / rstd)
    item_effect = min(0.6, float(item_mean.std()) / rstd)

    # taste: each MovieLens user's share of genre mass over the items they rated
    item_row = pd.Series(np.arange(len(movies)), index=movies["movieId"].to_numpy())
    rows = item_row.reindex(ratings["movieId"].to_numpy()).to_numpy()
    user_codes, user_pos = np.unique(ratings["userId"].to_numpy(), return_inverse=True)
    taste = np.zeros((len(user_codes), n_g))
    np.add.at(taste, user_pos, onehot[rows] / onehot[rows].sum(1, keepdims=True))
    taste /= taste.sum(1, keepdims=True)

    span = ratings.groupby("userId")["timestamp"].agg(["min", "max"])
    years = movies["title"].str.extract(r"\((\d{4})\)\s*$")[0].astype(float).dropna()
    return MovieLensStats(
        genres=genres,
        genre_marginal=marginal.tolist(),
        genre_cooccurrence=co.tolist(),
        genres_per_item={int(k): float(v) for k, v in k_counts.items()},
        pop_exponent=best[2],
        pop_offset=best[1],
        activity_mu=float(log_act.mean()),
        activity_sigma=float(log_act.std()),
        rating_values=[float(v) for v in rating_dist.index],
        rating_probs=[float(p) for p in rating_dist.to_numpy()],
        user_effect=user_effect,
        item_effect=item_effect,
        user_taste=taste.tolist(),
        user_start=span["min"].astype(float).tolist(),
        user_span=(span["max"] - span["min"]).astype(float).tolist(),
        item_years=years.tolist(),
    )


def _item_genres(stats: MovieLensStats, n_items: int, rng: np.random.Generator) -> list[list[int]]:
    """Sample each item's genre list: count from the MovieLens mix, then co-occurrence chaining."""
    n_g = len(stats.genres)
    marginal = np.asarray(stats.genre_marginal)
    co = np.asarray(stats.genre_cooccurrence) + 1e-3  # smoothing: unseen pairs stay possible but rare
    ks = np.asarray(list(stats.genres_per_item))
    kp = np.asarray(list(stats.genres_per_item.values()))
    n_per = rng.choice(ks, size=n_items, p=kp / kp.sum())
    none_idx = stats.genres.index(NO_GENRE) if NO_GENRE in stats.genres else -1
    firsts = rng.choice(n_g, size=n_items, p=marginal)
    out: list[list[int]] = []
    uniforms = rng.random((n_items, int(ks.max())))
    for i in range(n_items):
        chosen = [int(firsts[i])]
        if chosen[0] != none_idx:
            weights = co[chosen[0]].copy()
            for step in range(1, int(n_per[i])):
                weights[chosen] = 0.0
                if none_idx >= 0:
                    weights[none_idx] = 0.0
                cdf = np.cumsum(weights)
                nxt = int(np.searchsorted(cdf, uniforms[i, step] * cdf[-1], side="right"))
                chosen.append(min(nxt, n_g - 1))
                weights = weights + co[chosen[-1]]
        out.append(chosen)
    return out


def _item_texts(stats: MovieLensStats, genre_lists: list[list[int]], years: np.ndarray,
                rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Templated SYNTHETIC titles and descriptions from the items' genre vocabularies."""
    titles: list[str] = []
    descriptions: list[str] = []
    picks = rng.integers(0, 1 << 30, size=(len(genre_lists), 12))
    for i, gl in enumerate(genre_lists):
        p = picks[i]
        names = [stats.genres[g] for g in gl]
        v1 = VOCAB.get(names[0], VOCAB[NO_GENRE])
        v2 = VOCAB.get(names[p[0] % len(names)], v1)
        title = TITLE_TEMPLATES[p[1] % len(TITLE_TEMPLATES)].format(
            adj=v1[0][p[2] % len(v1[0])], noun=v1[1][p[3] % len(v1[1])], adj2=v2[0][p[4] % len(v2[0])],
            noun2=v2[1][p[5] % len(v2[1])], numeral=NUMERALS[p[6] % len(NUMERALS)])
        topic1 = v1[2][p[7] % len(v1[2])]
        topic2 = v2[2][p[8] % len(v2[2])]
        if topic2 == topic1:
            topic2 = v2[2][(p[8] + 1) % len(v2[2])]
        genre_words = " ".join(n.lower() for n in names[:2]) if names[0] != NO_GENRE else "independent"
        desc = TEMPLATES[p[9] % len(TEMPLATES)].format(
            adj1=v1[0][p[10] % len(v1[0])].lower(), adj2=v2[0][p[11] % len(v2[0])].lower(), genre=genre_words,
            form=FORMS[p[2] % len(FORMS)], topic1=topic1, topic1_cap=topic1[0].upper() + topic1[1:],
            topic2=topic2, setting=v2[3][p[3] % len(v2[3])])
        if len(names) > 2:
            desc += " Also: " + ", ".join(n.lower() for n in names[2:]) + "."
        year = int(years[i])
        titles.append(f"{title} ({year})")
        descriptions.append(desc)
    return titles, descriptions


def _user_sizes(stats: MovieLensStats, n_interactions: int, n_items: int,
                rng: np.random.Generator) -> np.ndarray:
    """Interactions per user: truncated log-normal draws until the budget is spent (last one trimmed)."""
    cap = max(MIN_PER_USER, n_items // 2)
    sizes: list[np.ndarray] = []
    total = 0
    while total < n_interactions:
        draw = np.exp(rng.normal(stats.activity_mu, stats.activity_sigma, size=4096))
        draw = np.clip(np.round(draw), MIN_PER_USER, cap).astype(np.int64)
        sizes.append(draw)
        total += int(draw.sum())
    all_sizes = np.concatenate(sizes)
    cum = np.cumsum(all_sizes)
    n_users = int(np.searchsorted(cum, n_interactions)) + 1
    all_sizes = all_sizes[:n_users].copy()
    all_sizes[-1] -= int(cum[n_users - 1] - n_interactions)
    if all_sizes[-1] <= 0:  # pragma: no cover - cannot happen with the searchsorted above
        all_sizes = all_sizes[:-1]
    return all_sizes


def _head_share(counts: np.ndarray) -> dict[str, float]:
    """Share of all interactions taken by the top 0.1% / 1% / 10% of the catalogue."""
    ordered = np.sort(np.asarray(counts))[::-1]
    total = max(1, int(ordered.sum()))
    return {f"top_{pct}%": round(float(ordered[: max(1, int(len(ordered) * pct / 100))].sum() / total), 4)
            for pct in (0.1, 1, 10)}


def _zm_exponent(counts: np.ndarray) -> float:
    """Least-squares Zipf-Mandelbrot exponent of a rank-frequency curve (offset grid as in the fit)."""
    counts = np.sort(counts[counts > 0])[::-1].astype(float)
    x = np.arange(1, len(counts) + 1) / len(counts)
    best = (np.inf, 0.0)
    for q in np.geomspace(1e-4, 0.5, 80):
        design = np.vstack([np.log(x + q), np.ones_like(x)]).T
        coef = np.linalg.lstsq(design, np.log(counts), rcond=None)[0]
        err = float(((design @ coef - np.log(counts)) ** 2).mean())
        if err < best[0]:
            best = (err, float(-coef[0]))
    return best[1]


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`generate` wrote."""

    out: str
    interactions: int
    users: int
    items: int
    items_with_interactions: int
    distinct_documents: int
    seconds: float


def generate(n_interactions: int, n_items: int, out: Path, seed: int = 0, explore: float = 0.1,
             taste_concentration: float = 20.0, ml_dir: Path = ML_DIR) -> SynthSummary:
    """Write a seeded SYNTHETIC dataset (``interactions.csv``, ``items.csv``, ``meta.json``) to ``out``."""
    if n_interactions < MIN_PER_USER or n_items < 50:
        raise ValueError("need at least 20 interactions and 50 items")
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    stats = fit_movielens(ml_dir)
    # the catalogue depends on (seed, n_items) only: 1M and 5M share their 100k items (and text cache)
    item_seq = np.random.SeedSequence([seed, n_items, 1])
    user_seq, chunk_seq = np.random.SeedSequence([seed, n_interactions, n_items, 2]).spawn(2)
    item_rng = np.random.default_rng(item_seq)
    n_g = len(stats.genres)

    # --- items --------------------------------------------------------------------------------------
    genre_lists = _item_genres(stats, n_items, item_rng)
    rank = item_rng.permutation(n_items) + 1
    pop_weight = (rank / n_items + stats.pop_offset) ** -stats.pop_exponent
    item_z = item_rng.standard_normal(n_items)
    years = item_rng.choice(np.asarray(stats.item_years), size=n_items)
    titles, descriptions = _item_texts(stats, genre_lists, years, item_rng)
    genre_members: list[np.ndarray] = []
    for g in range(n_g):
        genre_members.append(np.asarray([i for i, gl in enumerate(genre_lists) if g in gl], dtype=np.int64))
    genre_cdf = [np.cumsum(pop_weight[m]) for m in genre_members]
    global_cdf = np.cumsum(pop_weight)
    items_frame = pd.DataFrame({
        "item_id": np.arange(1, n_items + 1),
        "title": titles,
        "year": years.astype(int),
        "genres": ["|".join(stats.genres[g] for g in gl) for gl in genre_lists],
        "description": descriptions,
    })
    _write_csv_atomic(items_frame, out / "items.csv")
    distinct_docs = int(pd.Series([f"{t}\n{d}" for t, d in zip(titles, descriptions, strict=True)]).nunique())
    del items_frame, titles, descriptions

    # --- users --------------------------------------------------------------------------------------
    user_rng = np.random.default_rng(user_seq)
    sizes = _user_sizes(stats, n_interactions, n_items, user_rng)
    n_users = len(sizes)
    taste_pool = np.asarray(stats.user_taste)
    start_pool = np.asarray(stats.user_start)
    span_pool = np.asarray(stats.user_span)
    rating_values = np.asarray(stats.rating_values)
    rating_cdf = np.cumsum(stats.rating_probs)
    noise_effect = float(np.sqrt(max(0.2, 1.0 - stats.user_effect**2 - stats.item_effect**2)))

    # --- interactions, one chunk of users at a time -------------------------------------------------
    item_counts = np.zeros(n_items, dtype=np.int64)
    tmp = out / "interactions.csv.tmp"
    first = True
    n_written = 0
    chunk_starts = range(0, n_users, USER_CHUNK)
    chunk_seeds = chunk_seq.spawn(len(chunk_starts))
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        for c, lo in enumerate(chunk_starts):
            rng = np.random.default_rng(chunk_seeds[c])
            hi = min(n_users, lo + USER_CHUNK)
            frame = _chunk(rng, lo, sizes[lo:hi], taste_pool, taste_concentration, explore, genre_members,
                           genre_cdf, global_cdf, n_items, item_z, stats, noise_effect, rating_values,
                           rating_cdf, start_pool, span_pool)
            np.add.at(item_counts, frame["item_id"].to_numpy() - 1, 1)
            frame.to_csv(fh, index=False, header=first, float_format="%.1f")
            n_written += len(frame)
            first = False
    tmp.replace(out / "interactions.csv")

    ml_counts = pd.read_csv(ml_dir / "ratings.csv", usecols=["movieId"])["movieId"].value_counts().to_numpy()
    realised = {
        "users": n_users,
        "interactions": n_written,
        "items_with_interactions": int((item_counts > 0).sum()),
        "mean_per_user": n_written / n_users,
        "popularity_exponent": _zm_exponent(item_counts),
        "head_share": _head_share(item_counts),
        "movielens_head_share": _head_share(ml_counts),
        "distinct_documents": distinct_docs,
    }
    seconds = time.perf_counter() - started
    meta: dict[str, Any] = {
        "synthetic": True,
        "generator": "bench.synth",
        "params": {"interactions": n_interactions, "items": n_items, "seed": seed, "explore": explore,
                   "taste_concentration": taste_concentration},
        "fitted_from_movielens": {k: v for k, v in asdict(stats).items()
                                  if k not in ("user_taste", "user_start", "user_span", "item_years",
                                               "genre_cooccurrence")},
        "realised": realised,
        "seconds": round(seconds, 2),
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    (out / "README.md").write_text(_readme(meta), encoding="utf-8")
    return SynthSummary(str(out), n_written, n_users, n_items, realised["items_with_interactions"],
                        distinct_docs, round(seconds, 2))


def _chunk(rng: np.random.Generator, user_offset: int, sizes: np.ndarray, taste_pool: np.ndarray,
           concentration: float, explore: float, genre_members: list[np.ndarray], genre_cdf: list[np.ndarray],
           global_cdf: np.ndarray, n_items: int, item_z: np.ndarray, stats: MovieLensStats,
           noise_effect: float, rating_values: np.ndarray, rating_cdf: np.ndarray, start_pool: np.ndarray,
           span_pool: np.ndarray) -> pd.DataFrame:
    """Interactions of one chunk of users (ids ``user_offset+1 ..``), de-duplicated per user."""
    n_u = len(sizes)
    n_g = taste_pool.shape[1]
    base = taste_pool[rng.integers(0, len(taste_pool), n_u)]
    taste = np.vstack([rng.dirichlet(concentration * b + 0.05) for b in base])
    user_z = rng.standard_normal(n_u)
    start = rng.choice(start_pool, n_u) + rng.uniform(-30, 30, n_u) * 86400
    span = rng.choice(span_pool, n_u)

    users_out: list[np.ndarray] = []
    items_out: list[np.ndarray] = []
    need = sizes.copy()
    have = np.zeros(n_u, dtype=np.int64)
    seen_keys = np.empty(0, dtype=np.int64)
    for round_no in range(16):  # oversample, de-duplicate, top up; converges in 2-3 rounds
        want = np.maximum(0, need - have)
        if not want.any():
            break
        draws = np.ceil(want * 1.25 * 2 ** min(round_no, 4) + 2).astype(np.int64)
        uid = np.repeat(np.arange(n_u), draws)
        cdf = np.cumsum(taste, axis=1)[uid]
        genre = (cdf < rng.random(len(uid))[:, None] * cdf[:, -1:]).sum(1).clip(0, n_g - 1)
        item = np.empty(len(uid), dtype=np.int64)
        # very heavy users exhaust their taste: after 4 rounds they widen to the whole catalogue
        explore_mask = rng.random(len(uid)) < (explore if round_no < 4 else 1.0)
        if round_no >= 8:  # last resort: uniform over the catalogue, so every user reaches its size
            explore_mask[:] = False
            genre[:] = -1
            item[:] = rng.integers(0, n_items, len(uid))
        for g in range(n_g):
            sel = np.flatnonzero((genre == g) & ~explore_mask)
            members = genre_members[g]
            if len(sel) == 0:
                continue
            if len(members) == 0:
                explore_mask[sel] = True
                continue
            gc = genre_cdf[g]
            pos = np.searchsorted(gc, rng.random(len(sel)) * gc[-1], side="right").clip(0, len(members) - 1)
            item[sel] = members[pos]
        sel = np.flatnonzero(explore_mask)
        if round_no >= 8:
            sel = sel[:0]
        item[sel] = np.searchsorted(global_cdf, rng.random(len(sel)) * global_cdf[-1],
                                    side="right").clip(0, n_items - 1)
        keys = uid * n_items + item
        _, first_idx = np.unique(keys, return_index=True)
        first_idx.sort()
        keys, uid = keys[first_idx], uid[first_idx]
        fresh = ~np.isin(keys, seen_keys)
        keys, uid = keys[fresh], uid[fresh]
        # keep at most `want` new items per user, in draw order
        order = np.argsort(uid, kind="stable")
        keys, uid = keys[order], uid[order]
        group_start = np.searchsorted(uid, np.arange(n_u))
        rank_in_user = np.arange(len(uid)) - group_start[uid]
        keep = rank_in_user < want[uid]
        keys, uid = keys[keep], uid[keep]
        users_out.append(uid)
        items_out.append(keys % n_items)
        have += np.bincount(uid, minlength=n_u)
        seen_keys = np.concatenate([seen_keys, keys])
    uid = np.concatenate(users_out)
    item = np.concatenate(items_out)
    order = np.argsort(uid, kind="stable")
    uid, item = uid[order], item[order]
    noise = rng.standard_normal(len(uid))
    z = stats.user_effect * user_z[uid] + stats.item_effect * item_z[item] + noise_effect * noise

    rating = rating_values[np.searchsorted(rating_cdf, ndtr(z), side="left").clip(0, len(rating_values) - 1)]
    ts = start[uid] + span[uid] * rng.random(len(uid))
    ts = np.clip(ts, start_pool.min(), (start_pool + span_pool).max())  # stay inside MovieLens' time range
    return pd.DataFrame({
        "user_id": uid + user_offset + 1,
        "item_id": item + 1,
        "rating": rating,
        "timestamp": np.round(ts).astype(np.int64),
    })


def _write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV via a temp file and ``os.replace``."""
    tmp = path.with_suffix(".csv.tmp")
    frame.to_csv(tmp, index=False)
    tmp.replace(path)


def _readme(meta: dict[str, Any]) -> str:
    """The dataset's README: a clear SYNTHETIC notice plus the parameters."""
    p, r = meta["params"], meta["realised"]
    return (
        "# SYNTHETIC dataset (bench.synth)\n\n"
        "Generated by `python -m bench.synth` from statistics fitted on MovieLens latest-small "
        "(GroupLens). Every user, item, title, description, rating and timestamp here is **synthetic**: "
        "titles and descriptions are templated from per-genre word lists and describe no real work; no "
        "row comes from a real person.\n\n"
        f"- parameters: {p['interactions']:,} interactions, {p['items']:,} items, seed {p['seed']}\n"
        f"- realised: {r['users']:,} users, {r['interactions']:,} interactions, "
        f"{r['items_with_interactions']:,} items with interactions, popularity exponent "
        f"{r['popularity_exponent']:.2f} "
        f"(MovieLens fit {meta['fitted_from_movielens']['pop_exponent']:.2f})\n"
        "- files: `interactions.csv` (user_id,item_id,rating,timestamp), `items.csv` "
        "(item_id,title,year,genres,description), `meta.json`\n"
    )


def parse_size(text: str) -> int:
    """Parse ``100k`` / ``1m`` / ``1000000`` / ``1_000_000`` into an int."""
    s = text.strip().lower().replace("_", "").replace(",", "")
    mult = 1
    if s.endswith("k"):
        mult, s = 1_000, s[:-1]
    elif s.endswith("m"):
        mult, s = 1_000_000, s[:-1]
    return int(float(s) * mult)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.split("\n")[0])
    parser.add_argument("--interactions", type=parse_size, default=100_000)
    parser.add_argument("--items", type=parse_size, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--explore", type=float, default=0.1,
                        help="share of interactions drawn from global popularity instead of the user's taste")
    args = parser.parse_args(argv)
    summary = generate(args.interactions, args.items, args.out, seed=args.seed, explore=args.explore)
    print(json.dumps(asdict(summary), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
