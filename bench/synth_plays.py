"""Seeded SYNTHETIC play counts: a music-streaming log (user, track, plays) with real-looking heavy tails.

The implicit-feedback companion of :mod:`bench.synth` (which writes MovieLens-shaped *ratings*); the third
bundled demo, ``data/plays``, is its output. Every user, track, artist and count is invented.

Where each shape comes from
---------------------------

- **tracks per user (activity)**: log-normal with the *spread* of MovieLens' activity fitted on the
  bundled ``data/ml-latest-small`` (``bench.synth.fit_movielens``: sigma ~ 1.06 in log space), rescaled
  to a mean of ``mean_tracks`` distinct tracks per user (default 40, near the 49.07 artists per user that
  the hetrec2011-lastfm-2k README reports: 1,892 users, 17,632 artists, 92,834 user-artist listening
  counts, 5.265 listeners per artist on average); truncated to ``[min_tracks, items / 4]``.
- **track popularity**: the Zipf-Mandelbrot law fitted on MovieLens' rank-frequency curve
  (``weight(x) = (x + q) ** -a`` on the relative rank ``x``, a ~ 2, q ~ 0.08; ``fit_movielens`` again),
  multiplied by the user's taste below, so the realised listeners per track are heavy-tailed too.
- **taste (latent clusters)**: 12 genres, each a random unit centroid in a 16-d taste space, 4 styles per
  genre (an offset from the centroid), artists near their style, tracks near their artist. A user
  mixes 1-3 genres (Dirichlet weights) and a favourite style in each; a track's chance to be played is
  ``popularity * exp(beta * taste . track)`` (Gumbel top-k, so without replacement), with a share
  ``explore`` of each user's tracks drawn from popularity alone. Collaborative models have structure to
  learn (who likes the same styles), content models have matching text (genre = category, style and
  mood tags, the artist).
- **plays per (user, track)**: a discrete log-normal, ``plays = ceil(exp(N(m, s)))`` with
  ``m = log_median + user intensity + track replay + gamma * taste match`` (so better-matched tracks are
  played more: the count carries signal, as it does in listening logs). The parameters (median
  ``log_median = log 3``, ``s = 1.1``, user intensity sd 0.7, track replay sd 0.35, ``gamma = 0.6``) are
  *chosen*, not fitted: no published per-pair quantiles are used. They give a scrobble-like log: about a
  quarter of the pairs played once, a median of 3-4, a maximum near a thousand (the realised figures are
  in ``meta.json`` and the README). For comparison, the hetrec2011-lastfm-2k listening counts run from 1
  to five-digit counts per user-artist pair (e.g. 13,883 for the top artist of its first user).
- **timestamps**: the pair's *last* play, uniform in the user's active window (start uniform in
  2023-01-01 .. 2025-06-30, length exponential with mean 120 days, ending by 2025-12-31).
- **texts**: track titles, artist names and a one-line description are templated from per-genre word
  lists; ``tags`` = genre, style and mood (``|``-separated), ``category`` = genre.

Writes ``interactions.csv`` (``user,item,plays,timestamp``), ``items.csv``
(``item,title,artist,category,tags,year,description``), ``meta.json`` (parameters, the fitted MovieLens
figures and the realised statistics) and ``README.md``. Deterministic for given parameters and seed.

Usage::

    python -m bench.synth_plays --users 1000 --items 2500 --seed 0 --out data/plays
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.synth import ML_DIR, fit_movielens

GENRES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # genre: (styles, title words, artist words)
    "Rock": (("indie rock", "classic rock", "garage rock", "post-rock"),
             ("Highway", "Static", "Fire", "Rebel", "Wire", "Thunder", "Glass", "Engine"),
             ("Stones", "Riders", "Wolves", "Machines", "Ravens", "Arrows")),
    "Pop": (("synth-pop", "dance-pop", "indie pop", "ballad"),
            ("Heartbeat", "Summer", "Sugar", "Neon", "Polaroid", "Crush", "Sparkle", "Diamond"),
            ("Hearts", "Girls", "Lights", "Kids", "Stars", "Angels")),
    "Hip-Hop": (("boom bap", "trap", "lo-fi hip-hop", "conscious rap"),
                ("Block", "Hustle", "Crown", "Concrete", "Gold", "Cipher", "Corner", "Flow"),
                ("MCs", "Crew", "Kings", "Collective", "Squad", "Syndicate")),
    "Electronic": (("techno", "house", "drum and bass", "synthwave"),
                   ("Pulse", "Circuit", "Voltage", "Signal", "Orbit", "Laser", "Grid", "Frequency"),
                   ("Systems", "Modules", "Droids", "Signals", "Units", "Sequencers")),
    "Jazz": (("bebop", "cool jazz", "jazz fusion", "vocal jazz"),
             ("Blue", "Midnight", "Smoke", "Velvet", "Swing", "Bourbon", "Satin", "Avenue"),
             ("Quartet", "Trio", "Ensemble", "Combo", "Quintet", "Band")),
    "Classical": (("baroque", "romantic", "minimalism", "chamber music"),
                  ("Sonata", "Nocturne", "Prelude", "Etude", "Requiem", "Fugue", "Serenade", "Elegy"),
                  ("Orchestra", "Philharmonic", "Consort", "Strings", "Soloists", "Chamber Players")),
    "Folk": (("singer-songwriter", "americana", "celtic folk", "indie folk"),
             ("River", "Harvest", "Lantern", "Meadow", "Cabin", "Willow", "Hollow", "Porch"),
             ("Brothers", "Family", "Travellers", "Pickers", "Ramblers", "Fiddlers")),
    "Metal": (("thrash metal", "doom metal", "power metal", "black metal"),
              ("Iron", "Abyss", "Storm", "Serpent", "Skull", "Inferno", "Hammer", "Oblivion"),
              ("Legion", "Horde", "Tyrants", "Reapers", "Titans", "Warlords")),
    "R&B": (("neo-soul", "contemporary r&b", "funk", "motown"),
            ("Silk", "Honey", "Groove", "Candle", "Slow", "Velour", "Caramel", "Devotion"),
            ("Soul", "Sisters", "Experience", "Harmony", "Groove Band", "Vibes")),
    "Country": (("outlaw country", "bluegrass", "country pop", "honky-tonk"),
                ("Dust", "Whiskey", "Pickup", "Prairie", "Rodeo", "Boots", "Creek", "Horizon"),
                ("Cowboys", "Outlaws", "Ranch Hands", "Drifters", "Wranglers", "Hillbillies")),
    "Latin": (("salsa", "reggaeton", "bossa nova", "cumbia"),
              ("Corazon", "Fuego", "Luna", "Playa", "Baila", "Sol", "Noche", "Ritmo"),
              ("Orquesta", "Hermanos", "Combo", "Conjunto", "Banda", "Sonido")),
    "Ambient": (("drone", "dark ambient", "new age", "field recordings"),
                ("Drift", "Tide", "Fog", "Aurora", "Stillness", "Vapour", "Horizon", "Echo"),
                ("Tapes", "Landscapes", "Atmospheres", "Fields", "Drones", "Waves")),
}
"""Per-genre styles, title words and artist-name words (written for this generator; no real works)."""

MOODS = ("upbeat", "melancholic", "energetic", "chill", "dark", "romantic", "dreamy", "aggressive")
ADJECTIVES = ("Golden", "Broken", "Silent", "Electric", "Lonely", "Wild", "Endless", "Paper", "Velvet",
              "Burning", "Hidden", "Crystal", "Northern", "Faded", "Neon", "Quiet")
PLACES = ("late-night drive", "rainy morning", "summer festival", "quiet evening", "long commute",
          "Saturday party", "Sunday afternoon", "workout", "study session", "road trip")
DIM = 16
STYLES_PER_GENRE = 4
EPOCH_START = 1_672_531_200  # 2023-01-01 UTC
EPOCH_LAST_START = 1_751_241_600  # 2025-06-30 UTC
EPOCH_END = 1_767_139_200  # 2025-12-31 UTC


@dataclass(frozen=True)
class PlaysParams:
    """The generator's knobs (see the module docstring for what each one shapes)."""

    users: int = 1_000
    items: int = 2_500
    seed: int = 0
    mean_tracks: float = 40.0
    min_tracks: int = 5
    explore: float = 0.12
    beta: float = 5.0
    log_median: float = math.log(3.0)
    count_sigma: float = 1.1
    intensity_sd: float = 0.7
    replay_sd: float = 0.35
    gamma: float = 0.6
    tracks_per_artist: float = 5.0


@dataclass(frozen=True)
class PlaysSummary:
    """What :func:`generate_plays` wrote."""

    out: str
    users: int
    items: int
    pairs: int
    plays: int


def _unit(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length."""
    return np.asarray(x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12))


def _catalogue(p: PlaysParams, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Items (tracks) with texts, their unit taste vectors and the style centres ``(genres, styles, DIM)``."""
    names = list(GENRES)
    n_g = len(names)
    centroids = _unit(rng.standard_normal((n_g, DIM)))
    styles = _unit(centroids[:, None, :] + 0.7 * _unit(rng.standard_normal((n_g, STYLES_PER_GENRE, DIM))))
    n_artists = max(n_g, round(p.items / p.tracks_per_artist))
    genre_share = rng.dirichlet(np.full(n_g, 4.0))  # some genres are bigger than others
    a_genre = rng.choice(n_g, n_artists, p=genre_share)
    a_style = rng.integers(0, STYLES_PER_GENRE, n_artists)
    a_vec = _unit(styles[a_genre, a_style] + 0.35 * _unit(rng.standard_normal((n_artists, DIM))))
    a_mood = rng.integers(0, len(MOODS), n_artists)
    a_words = rng.integers(0, 1 << 20, (n_artists, 2))
    # tracks per artist: heavy-tailed (a few prolific artists), every artist at least one track
    artist = np.concatenate([np.arange(n_artists),
                             rng.choice(n_artists, p.items - n_artists, p=_zipf(n_artists, 1.0, rng))])
    artist = np.sort(artist[: p.items], kind="stable")
    vec = _unit(a_vec[artist] + 0.25 * _unit(rng.standard_normal((p.items, DIM))))
    genre, style = a_genre[artist], a_style[artist]
    mood = np.where(rng.random(p.items) < 0.7, a_mood[artist], rng.integers(0, len(MOODS), p.items))
    years = np.clip(np.round(2024 - rng.exponential(9.0, n_artists)), 1960, 2025).astype(int)[artist]
    picks = rng.integers(0, 1 << 20, (p.items, 4))
    rows = []
    for i in range(p.items):
        g, a = names[genre[i]], int(artist[i])
        style_name, words, artist_words = GENRES[g][0][style[i]], GENRES[g][1], GENRES[g][2]
        w = picks[i]
        title = (f"{ADJECTIVES[w[0] % len(ADJECTIVES)]} {words[w[1] % len(words)]}" if w[3] % 3
                 else f"{words[w[1] % len(words)]} of the {ADJECTIVES[w[0] % len(ADJECTIVES)]} "
                      f"{words[w[2] % len(words)]}")
        band = f"The {ADJECTIVES[a_words[a, 0] % len(ADJECTIVES)]} {artist_words[a_words[a, 1] % len(artist_words)]}"
        rows.append({
            "item": i + 1,
            "title": title,
            "artist": band,
            "category": g,
            "tags": "|".join((g.lower(), style_name, MOODS[mood[i]])),
            "year": int(years[i]),
            "description": f"{_article(MOODS[mood[i]])} {MOODS[mood[i]]} {style_name} track by {band} "
                           f"for a {PLACES[w[2] % len(PLACES)]}.",
        })
    return pd.DataFrame(rows), vec, styles


def _article(word: str) -> str:
    """'An' before a vowel, else 'A'."""
    return "An" if word[0] in "aeiou" else "A"


def _zipf(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Probabilities ``rank ** -exponent`` over a random ranking of ``n`` entries."""
    w = np.arange(1, n + 1, dtype=np.float64) ** -exponent
    w = w[rng.permutation(n)]
    return np.asarray(w / w.sum())


def _activity(p: PlaysParams, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Distinct tracks per user: log-normal with MovieLens' spread, mean ``mean_tracks``, truncated."""
    mu = math.log(p.mean_tracks) - sigma**2 / 2
    return np.clip(np.round(rng.lognormal(mu, sigma, p.users)), p.min_tracks, max(p.min_tracks, p.items // 4)
                   ).astype(np.int64)


def _tastes(p: PlaysParams, styles: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unit taste vectors: 1-3 genres with Dirichlet weights, a favourite style in each, some noise."""
    n_g = styles.shape[0]
    out = np.zeros((p.users, DIM))
    n_genres = rng.choice([1, 2, 3], p.users, p=[0.35, 0.4, 0.25])
    for u in range(p.users):
        gs = rng.choice(n_g, n_genres[u], replace=False)
        w = rng.dirichlet(np.full(n_genres[u], 1.5))
        out[u] = (w[:, None] * styles[gs, rng.integers(0, STYLES_PER_GENRE, n_genres[u])]).sum(0)
    return _unit(out + 0.25 * _unit(rng.standard_normal((p.users, DIM))))


def generate_plays(out: Path | str, params: PlaysParams | None = None, ml_dir: Path = ML_DIR) -> PlaysSummary:
    """Write a SYNTHETIC play-count dataset to ``out`` (see the module docstring); deterministic by seed."""
    p = params or PlaysParams()
    if p.users < 1 or p.items < 4 * p.min_tracks:
        raise ValueError("need at least one user and items >= 4 * min_tracks")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ml = fit_movielens(ml_dir)
    cat_seq, user_seq, count_seq = np.random.SeedSequence([p.seed, 0x706C6179]).spawn(3)
    items, vec, styles = _catalogue(p, np.random.default_rng(cat_seq))

    rng = np.random.default_rng(user_seq)
    rank = rng.permutation(p.items)  # popularity rank of each track
    log_pop = -ml.pop_exponent * np.log((rank + 1) / p.items + ml.pop_offset)
    sizes = _activity(p, ml.activity_sigma, rng)
    taste = _tastes(p, styles, rng)
    intensity = rng.normal(0.0, p.intensity_sd, p.users)
    replay = rng.normal(0.0, p.replay_sd, p.items)

    users, tracks, match = [], [], []
    for lo in range(0, p.users, 500):  # chunks keep the users x items key matrix small
        hi = min(p.users, lo + 500)
        aff = taste[lo:hi] @ vec.T
        keyed = log_pop + p.beta * aff + rng.gumbel(size=aff.shape)
        explore = log_pop + rng.gumbel(size=aff.shape)  # popularity alone
        for r in range(hi - lo):
            n = int(sizes[lo + r])
            n_explore = int(rng.binomial(n, p.explore))
            chosen = np.argpartition(-keyed[r], n - n_explore)[: n - n_explore]
            rest = explore[r].copy()
            rest[chosen] = -np.inf
            extra = np.argpartition(-rest, n_explore)[:n_explore] if n_explore else np.empty(0, np.int64)
            pick = np.sort(np.concatenate([chosen, extra]))
            users.append(np.full(len(pick), lo + r))
            tracks.append(pick)
            match.append(aff[r, pick])
    uid, iid, fit = np.concatenate(users), np.concatenate(tracks), np.concatenate(match)

    crng = np.random.default_rng(count_seq)
    z = (fit - fit.mean()) / max(float(fit.std()), 1e-12)
    m = p.log_median + intensity[uid] + replay[iid] + p.gamma * z
    plays = np.maximum(1, np.ceil(np.exp(crng.normal(m, p.count_sigma)) - 1e-9)).astype(np.int64)
    start = crng.uniform(EPOCH_START, EPOCH_LAST_START, p.users)
    span = np.minimum(crng.exponential(120 * 86400, p.users) + 86400, EPOCH_END - start)
    ts = np.round(start[uid] + span[uid] * crng.random(len(uid))).astype(np.int64)
    inter = pd.DataFrame({"user": uid + 1, "item": iid + 1, "plays": plays, "timestamp": ts})

    _write_atomic(inter, out / "interactions.csv")
    _write_atomic(items, out / "items.csv")
    meta = {"synthetic": True, "generator": "bench.synth_plays", "out": _shown(out), "params": asdict(p),
            "fitted_from_movielens": {"activity_sigma": ml.activity_sigma, "pop_exponent": ml.pop_exponent,
                                      "pop_offset": ml.pop_offset},
            "realised": realised_stats(inter)}
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(readme(meta), encoding="utf-8")
    return PlaysSummary(str(out), p.users, p.items, len(inter), int(plays.sum()))


def realised_stats(inter: pd.DataFrame) -> dict[str, Any]:
    """Shape figures of a ``user,item,plays`` frame: per-pair counts, per-user and per-item tails."""
    plays = inter["plays"].to_numpy()
    per_user = inter.groupby("user").size().to_numpy()
    per_item = inter.groupby("item").size().to_numpy()

    def q(x: np.ndarray, s: float) -> float:
        return round(float(np.quantile(x, s)), 2)

    return {
        "users": len(per_user), "items_played": len(per_item), "pairs": len(inter),
        "plays_total": int(plays.sum()),
        "plays_per_pair": {"min": int(plays.min()), "median": q(plays, 0.5), "mean": round(float(plays.mean()), 2),
                           "p90": q(plays, 0.9), "p99": q(plays, 0.99), "max": int(plays.max()),
                           "share_one": round(float(np.mean(plays == 1)), 4)},
        "tracks_per_user": {"min": int(per_user.min()), "median": q(per_user, 0.5),
                            "mean": round(float(per_user.mean()), 2), "max": int(per_user.max())},
        "listeners_per_track": {"median": q(per_item, 0.5), "mean": round(float(per_item.mean()), 2),
                                "max": int(per_item.max()),
                                "top_10pct_share": round(float(np.sort(per_item)[::-1][: max(1, len(per_item) // 10)]
                                                               .sum() / per_item.sum()), 4)},
    }


def command_line(out: str, p: PlaysParams) -> str:
    """The command that writes ``out`` with parameters ``p`` (only the options the CLI has)."""
    extra = f" --mean-tracks {p.mean_tracks:g}" if p.mean_tracks != PlaysParams.mean_tracks else ""
    return f"python -m bench.synth_plays --users {p.users} --items {p.items}{extra} --seed {p.seed} --out {out}"


def _shown(out: Path) -> str:
    """``out`` relative to the working directory when it lies under it (for the README's command)."""
    try:
        return str(out.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(out)


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV via a temporary file and ``os.replace`` (LF line ends, UTF-8)."""
    tmp = path.with_suffix(".csv.tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)


def readme(meta: dict[str, Any]) -> str:
    """The dataset's README: a clear SYNTHETIC notice, the exact command and the realised shape."""
    p, r = meta["params"], meta["realised"]
    c, u, i = r["plays_per_pair"], r["tracks_per_user"], r["listeners_per_track"]
    command = command_line(meta["out"], PlaysParams(**p))
    return (
        "# Play counts (SYNTHETIC demo)\n\n"
        "**Everything in this folder is synthetic.** A music-streaming listening log of invented users and "
        "invented tracks: titles, artists, descriptions and counts come from a seeded generator "
        "(`bench/synth_plays.py`); any resemblance to a real work is a coincidence of word lists. It is "
        "InterestLens' implicit-feedback demo: the value column counts plays, there are no ratings.\n\n"
        "## How it was generated\n\n"
        f"```bash\n.venv/bin/{command}\n```\n\n"
        "The same parameters and seed give byte-identical files. The module docstring of "
        "`bench/synth_plays.py` says where each shape comes from (activity spread and popularity law fitted "
        "on MovieLens latest-small; tracks per user near the hetrec2011-lastfm-2k README's 49 artists per "
        "user; the per-pair count law is chosen, not fitted).\n\n"
        "## Shape (realised)\n\n"
        f"- {r['users']:,} users, {r['items_played']:,} of {p['items']:,} tracks played, {r['pairs']:,} "
        f"user-track pairs, {r['plays_total']:,} plays\n"
        f"- plays per pair: median {c['median']:g}, mean {c['mean']:g}, 90th percentile {c['p90']:g}, 99th "
        f"{c['p99']:g}, max {c['max']:,}; {c['share_one']:.0%} of the pairs played once\n"
        f"- tracks per user: median {u['median']:g}, mean {u['mean']:g}, min {u['min']}, max {u['max']}\n"
        f"- listeners per track: median {i['median']:g}, mean {i['mean']:g}, max {i['max']}; the top 10 % "
        f"of tracks hold {i['top_10pct_share']:.0%} of the pairs\n\n"
        "## Files\n\n"
        "- `interactions.csv`: `user,item,plays,timestamp` (one row per user-track pair; `plays` >= 1; "
        "`timestamp` = Unix seconds of the pair's last play)\n"
        "- `items.csv`: `item,title,artist,category,tags,year,description` (`category` = genre; `tags` = "
        "genre, style and mood, `|`-separated)\n"
        "- `meta.json`: the parameters, the fitted MovieLens figures and the statistics above\n"
    )


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.synth_plays", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=PlaysParams.users)
    parser.add_argument("--items", type=int, default=PlaysParams.items)
    parser.add_argument("--mean-tracks", type=float, default=PlaysParams.mean_tracks)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    params = PlaysParams(users=args.users, items=args.items, mean_tracks=args.mean_tracks, seed=args.seed)
    print(json.dumps(asdict(generate_plays(args.out, params)), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
