"""Real-looking Indonesian names for the benchmarks: Javanese, Sundanese, Malay, Arabic-origin,
Balinese and Batak names, one-word names, the ways of Muhammad, the old spelling (Soe-, Dj-, Tj-)
some families keep, and a title now and then. Also a variant of a name as someone else would
write it (a relative, a form at the shelter): what bench.duplicates checks as a new report."""

from __future__ import annotations

import random


def _words(*lines: str) -> tuple[str, ...]:
    return tuple(" ".join(lines).split())


GIVEN = _words(
    # Javanese
    "Agus Bambang Budi Joko Slamet Sugeng Sutrisno Wahyu Heru Eko Dwi Tri Catur Teguh Bayu Purnomo",
    "Suharti Sri Endang Sumarni Tutik Lestari Wulan Ratna Sulastri Suyatno Supriyadi Sukarno Margono",
    "Kusuma Prasetyo Haryanto Setyo Widodo Nugroho Rahayu Ningsih Retno Yuli Dimas Galih Yoga",
    # Sundanese
    "Asep Ujang Dadang Cecep Euis Neneng Iis Encep Dede Yayan Ayi Entis Cucu Nining Yayat",
    # Malay and Sumatran
    "Zulkifli Syahrul Fauzan Rizal Hendra Irwan Yusri Nurhayati Rosmawati Fitri Yanti Ratih Mardiana",
    # Arabic origin
    "Ahmad Abdul Fauzi Ilham Rahmat Hidayat Taufik Arif Ridwan Syaiful Nurul Siti Aisyah Fatimah",
    "Khadijah Zainab Maryam Aminah Rizki Fajar Ikhsan Hasan Husein Yusuf Ibrahim Ismail Iqbal Hafiz",
    # Balinese and others
    "Made Wayan Ketut Nyoman Putu Komang Gede Kadek Yohanes Maria Petrus Agustinus Fransiska",
)
FAMILY = _words(
    "Saputra Wijaya Pratama Setiawan Kurniawan Santoso Susanto Wibowo Hidayat Nugraha Permana Gunawan",
    "Firmansyah Hermawan Rahmawati Handayani Lestari Sari Puspitasari Maharani Anggraini Wulandari",
    "Siregar Nasution Harahap Simanjuntak Sitompul Lubis Hutapea Ginting Sembiring Tarigan Manurung",
    "Sinaga Panjaitan Pane Daulay Rangkuti Effendi Hasibuan Batubara Suryani Maulana Ramadhan Syahputra",
    "Kusumawati Yuliani Susilawati Suryadi Mulyadi Suparman Sutarman Sudirman Darmawan Irawan Hakim",
)
MUHAMMAD = ("Muhammad", "Mohammad", "Muhamad", "Mochamad", "Moh.", "M.", "Mohamad")
OLD = (("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"))
TITLES = ("H.", "Hj.", "Drs.", "Ir.")


def name(rng: random.Random) -> str:
    """One person's name: a word (about one in seven), two words or three."""
    shape = rng.random()
    words = [rng.choice(GIVEN)]
    if shape < 0.14:
        pass  # one-word names (Suharti, Asep) are common, older Javanese most of all
    elif shape < 0.65:
        words.append(rng.choice(FAMILY if rng.random() < 0.7 else GIVEN))
    else:
        words += [rng.choice(GIVEN), rng.choice(FAMILY)]
    if rng.random() < 0.08:
        words.insert(0, rng.choice(MUHAMMAD))
    if rng.random() < 0.04:
        words = [_old(w, rng) for w in words]
    if rng.random() < 0.02:
        words.insert(0, rng.choice(TITLES))
    return " ".join(dict.fromkeys(words))


def _old(word: str, rng: random.Random) -> str:
    new, old = rng.choice(OLD)
    return word.replace(new, old, 1)


def variant(full: str, rng: random.Random) -> str:
    """The same name as another person writes it: spacing, order, a word left out, a typo."""
    words = full.split()
    how = rng.randrange(5)
    if how == 0 and len(words) > 1:
        return " ".join(reversed(words))
    if how == 1 and len(words) > 1:
        return " ".join(words[:-1])
    if how == 2 and len(words) > 1:
        return "".join(words[:2]) + (" " + " ".join(words[2:]) if len(words) > 2 else "")
    if how == 3:
        word = rng.randrange(len(words))
        typo = words[word]
        if len(typo) > 4:
            at = rng.randrange(1, len(typo) - 1)
            typo = typo[:at] + typo[at + 1 :]
        words[word] = typo
        return " ".join(words)
    return " ".join(_old(w, rng) for w in words)
