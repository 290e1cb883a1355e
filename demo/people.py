"""Made-up people, places and identifiers shared by the `seed_demo` and `seed_scale` commands.

Everything here is deterministic for a given `random.Random`, so a seeded run always builds the same data.
Identifiers are valid but reserved for testing where a reserved range exists: NHS numbers start 999 (the NHS
test range), phone numbers are Ofcom's drama ranges, emails use example domains.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password

from cases.identifiers import UPN_LETTERS
from cases.models import AreaOfNeed, Ethnicity, FamilyContact, Gender

# --- names of many backgrounds --------------------------------------------------------------------------


@dataclass(frozen=True)
class Background:
    key: str
    weight: int
    ethnicities: tuple[str, ...]
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[str, ...]
    # Languages spoken at home besides (or instead of) English; empty means English only.
    languages: tuple[str, ...] = ()
    # Share of families who need an interpreter, when a home language is given.
    interpreter_share: float = 0.0


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BACKGROUNDS: tuple[Background, ...] = (
    Background(
        "white_british",
        46,
        (Ethnicity.WHITE_BRITISH,),
        _split(
            "Olivia Amelia Isla Ava Freya Poppy Evie Ella Ivy Florence Rosie Millie Grace Sophie Lily Daisy "
            "Matilda Harriet Imogen Phoebe Elsie Maisie Erin Megan Chloe Holly Lucy Esme Willow Bethany"
        ),
        _split(
            "Oliver George Harry Jack Alfie Charlie Theo Archie Leo Noah Oscar Freddie Arthur Henry Thomas "
            "Jacob Joshua William Edward Reuben Toby Finley Harrison Samuel Callum Lewis Kieran Ryan Dylan Max"
        ),
        _split(
            "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker "
            "White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Turner Hill Moore Cooper Ward Morris "
            "Harrison Lee Baker Cox Bennett Shaw Marshall Chapman Fletcher Holmes Parsons Barker Atkinson"
        ),
    ),
    Background(
        "irish",
        3,
        (Ethnicity.WHITE_IRISH,),
        _split("Aoife Niamh Saoirse Ciara Roisin Orla Sinead Caoimhe Eimear Clodagh"),
        _split("Ciaran Oisin Cormac Darragh Padraig Cian Eoin Donal Ronan Seamus"),
        _split("Murphy O'Brien Byrne Ryan O'Connor Kelly Doyle McCarthy Gallagher Quinn Brennan Nolan"),
    ),
    Background(
        "polish",
        5,
        (Ethnicity.WHITE_OTHER,),
        _split("Zofia Maja Lena Oliwia Julia Zuzanna Hanna Alicja Natalia Wiktoria"),
        _split("Jakub Szymon Kacper Antoni Filip Jan Mikolaj Wojciech Kamil Bartosz"),
        _split("Nowak Wojcik Kowalczyk Wozniak Mazur Krawczyk Kaczmarek Zajac Krol Wieczorek Pawlak Dudek"),
        ("Polish", "Polish, English"),
        0.3,
    ),
    Background(
        "romanian",
        3,
        (Ethnicity.WHITE_OTHER,),
        _split("Ioana Maria Elena Andreea Alexandra Ana Bianca Daria Sofia Teodora"),
        _split("Andrei Alexandru Mihai Stefan David Luca Matei Ionut Gabriel Darius"),
        _split("Popescu Ionescu Popa Stan Dumitru Gheorghe Matei Constantin Rusu Munteanu Lazar Ciobanu"),
        ("Romanian", "Romanian, English"),
        0.4,
    ),
    Background(
        "portuguese",
        2,
        (Ethnicity.WHITE_OTHER,),
        _split("Beatriz Leonor Ines Matilde Carolina Mariana Francisca Lara"),
        _split("Tiago Rodrigo Duarte Goncalo Afonso Tomas Diogo Martim"),
        _split("Silva Santos Ferreira Pereira Costa Oliveira Rodrigues Martins Sousa Fernandes"),
        ("Portuguese", "Portuguese, English"),
        0.3,
    ),
    Background(
        "indian",
        6,
        (Ethnicity.INDIAN,),
        _split("Anaya Diya Priya Isha Kavya Aanya Riya Saanvi Simran Jasleen Navya Meera Tara Nisha"),
        _split("Aarav Arjun Rohan Vihaan Dev Krish Aryan Jai Ravi Harjot Gurpreet Ishaan Nikhil Sahil"),
        _split("Patel Shah Sharma Singh Mistry Gill Sandhu Joshi Nair Iyer Kumar Parmar Chauhan Dhillon"),
        ("Gujarati, English", "Punjabi, English", "Tamil, English", "Hindi, English"),
        0.1,
    ),
    Background(
        "pakistani",
        6,
        (Ethnicity.PAKISTANI,),
        _split("Aisha Maryam Zara Fatima Inaya Hafsa Khadija Amina Zainab Safa Alina Eman"),
        _split("Muhammad Ibrahim Yusuf Hamza Ayaan Musa Zayn Adam Bilal Rayyan Haris Umar"),
        _split("Khan Hussain Ahmed Akhtar Iqbal Malik Raza Butt Chaudhry Shah Mahmood Rashid Anwar"),
        ("Urdu, English", "Punjabi, English", "Pahari, English", "Urdu"),
        0.2,
    ),
    Background(
        "bangladeshi",
        4,
        (Ethnicity.BANGLADESHI,),
        _split("Nusrat Sumaiya Jannat Ruksana Tahmina Anisa Sadia Mariam Farzana Nadia"),
        _split("Rahim Tanvir Arif Imran Sami Rayhan Zakir Nabil Shafi Abdul"),
        _split("Rahman Miah Begum Uddin Islam Chowdhury Ali Hoque Ahmed Khatun"),
        ("Bengali, English", "Sylheti, English", "Sylheti"),
        0.35,
    ),
    Background(
        "chinese",
        3,
        (Ethnicity.CHINESE,),
        _split("Mei Xin Lin Yan Chloe Grace Ying Hui Jia Wen"),
        _split("Wei Jun Hao Ethan Ryan Ming Jian Kai Leon Yi"),
        _split("Chen Wong Li Zhang Liu Cheung Lam Ng Wang Huang Ho Yeung"),
        ("Cantonese, English", "Mandarin, English", "Mandarin"),
        0.25,
    ),
    Background(
        "black_african",
        7,
        (Ethnicity.BLACK_AFRICAN,),
        _split("Amara Ife Ama Chiamaka Adaeze Grace Precious Blessing Abena Zainab Temi Nneka Esi"),
        _split("Chidi Tobi Kwame Olu Emeka David Daniel Samuel Kofi Tunde Ayo Femi Chinedu"),
        _split("Okafor Adeyemi Mensah Okonkwo Boateng Adebayo Osei Nwosu Asante Eze Ogunleye Owusu Nkemelu"),
        ("Yoruba, English", "Igbo, English", "Twi, English", "English, French", "Lingala, French"),
        0.1,
    ),
    Background(
        "somali",
        3,
        (Ethnicity.BLACK_AFRICAN,),
        _split("Hodan Ayan Farhiya Sahra Ikram Hibo Nasra Deqa Idil Muna"),
        _split("Abdi Mohamed Ahmed Hamza Abdirahman Bilal Yahya Khalid Said Guled"),
        _split("Mohamed Ali Hassan Farah Abdi Warsame Omar Jama Nur Yusuf Ahmed Osman"),
        ("Somali", "Somali, English"),
        0.5,
    ),
    Background(
        "black_caribbean",
        4,
        (Ethnicity.BLACK_CARIBBEAN, Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN),
        _split("Shanice Kiara Aaliyah Jasmine Tia Leah Nia Imani Jada Naomi"),
        _split("Jayden Marcus Tyrese Andre Malik Kai Elijah Isaiah Reece Tyler"),
        _split("Campbell Brown Clarke Francis Thomas Grant Reid Henry Bailey Johnson Gordon Samuels"),
    ),
    Background(
        "arabic",
        3,
        (Ethnicity.OTHER, Ethnicity.ASIAN_OTHER),
        _split("Layla Noor Salma Yasmin Rania Huda Mariam Lina Dina Sara"),
        _split("Omar Karim Yusuf Ali Tariq Sami Hassan Adam Rami Zaid"),
        _split("Haddad Saleh Mansour Nasser Khalil Aziz Hamdan Darwish Qasim Hakim"),
        ("Arabic", "Arabic, English", "Kurdish Sorani, Arabic"),
        0.5,
    ),
    Background(
        "turkish",
        2,
        (Ethnicity.WHITE_OTHER, Ethnicity.OTHER),
        _split("Elif Zeynep Ayse Defne Ecem Melis Nehir Asya"),
        _split("Emre Deniz Yusuf Kerem Mert Can Baris Arda"),
        _split("Yilmaz Demir Kaya Sahin Celik Aydin Ozturk Arslan Dogan Kilic"),
        ("Turkish", "Turkish, English", "Kurdish Kurmanji, Turkish"),
        0.35,
    ),
    Background(
        "mixed",
        3,
        (Ethnicity.MIXED_WHITE_ASIAN, Ethnicity.MIXED_WHITE_BLACK_AFRICAN, Ethnicity.MIXED_OTHER),
        _split("Maya Ruby Aria Zoe Nina Sienna Layla Amelia"),
        _split("Leon Zach Elias Nathan Luca Rafael Aiden Jude"),
        _split("Taylor-Okoro Wilson Khan-Smith Harris Patel-Jones Bennett Ali Murray"),
    ),
)
_BACKGROUND_WEIGHTS = [b.weight for b in BACKGROUNDS]

PARENT_FIRST = {
    "female": _split(
        "Sarah Emma Laura Rachel Hannah Jessica Amy Kirsty Natalie Gemma Leanne Joanne Rebecca Claire"
    ),
    "male": _split("Mark Paul Craig Lee Darren Stephen Gareth Matthew Andrew Neil Richard Wayne James Chris"),
}
PARENT_FIRST_BY_BACKGROUND = {
    "polish": ("Agnieszka", "Katarzyna", "Magdalena", "Tomasz", "Piotr"),
    "romanian": ("Mihaela", "Cristina", "Florin", "Adrian", "Elena"),
    "portuguese": ("Ana", "Sofia", "Joao", "Rui", "Catarina"),
    "indian": ("Sunita", "Pooja", "Rajesh", "Manpreet", "Deepa", "Sanjay"),
    "pakistani": ("Nazia", "Shazia", "Saima", "Tariq", "Imran", "Rubina"),
    "bangladeshi": ("Shirin", "Rokeya", "Jamal", "Habib", "Salma"),
    "chinese": ("Lihua", "Xiaoling", "Kwok", "Yan", "Meiling"),
    "black_african": ("Funmilayo", "Ngozi", "Adwoa", "Chukwuma", "Kwabena", "Yetunde"),
    "somali": ("Faduma", "Hawa", "Asha", "Abdullahi", "Ismail"),
    "black_caribbean": ("Marcia", "Sharon", "Delroy", "Winston", "Donna"),
    "arabic": ("Huda", "Reem", "Mahmoud", "Khaled", "Amal"),
    "turkish": ("Fatma", "Emine", "Mehmet", "Hasan", "Leyla"),
    "irish": ("Siobhan", "Mairead", "Declan", "Colm", "Brid"),
}
_MALE_PARENTS = frozenset(
    _split(
        "Tomasz Piotr Florin Adrian Joao Rui Rajesh Sanjay Tariq Imran Jamal Habib Kwok Chukwuma Kwabena "
        "Abdullahi Ismail Delroy Winston Mahmoud Khaled Mehmet Hasan Declan Colm Manpreet"
    )
)

# Persona first names (Laura, Corinne, Susan, Howard, Sonia, Pamela, Leo) are kept for the accounts that play them.
STAFF_FIRST = _split(
    "Priya Aisha Tom Gareth Fiona Hannah Yusuf Bronwen Kelechi "
    "Marta Deborah Niall Shabana Rachel Owen Chipo Martin Eleanor Ravi Joanna Femi Sian Gemma Wing Ali"
)
STAFF_LAST = _split(
    "Fletcher Okoye Patel Hughes Mahmood Kaur Brennan Nowicka Campbell Whitfield Rahman Lewis Adeyemi "
    "Price Lindqvist Gordon Iqbal Harper Nwachukwu Sullivan Chen Moss Begum Kerr Dlamini Walsh Hassan"
)


@dataclass(frozen=True)
class Family:
    first_name: str
    last_name: str
    gender: str
    ethnicity: str
    home_languages: str
    interpreter_needed: bool
    parent_name: str
    parent_relationship: str


def family(rng: random.Random, *, gender: str | None = None) -> Family:
    background = rng.choices(BACKGROUNDS, weights=_BACKGROUND_WEIGHTS)[0]
    if gender is None:
        # Boys are about 70% of children with EHC plans (DfE, SEN in England).
        gender = Gender.MALE if rng.random() < 0.7 else Gender.FEMALE
        if rng.random() < 0.01:
            gender = Gender.OTHER
    first = rng.choice(background.girls if gender == Gender.FEMALE else background.boys)
    if gender == Gender.OTHER:
        first = rng.choice(background.girls + background.boys)
    last = rng.choice(background.surnames)
    languages = rng.choice(background.languages) if background.languages else "English"
    interpreter = bool(background.languages) and rng.random() < background.interpreter_share
    relationship = rng.choices(
        [
            FamilyContact.Relationship.MOTHER,
            FamilyContact.Relationship.FATHER,
            FamilyContact.Relationship.CARER,
            FamilyContact.Relationship.GRANDPARENT,
            FamilyContact.Relationship.FOSTER_CARER,
        ],
        weights=[66, 20, 5, 5, 4],
    )[0]
    own = PARENT_FIRST_BY_BACKGROUND.get(background.key)
    if own and rng.random() < 0.85:
        options = [n for n in own if (n in _MALE_PARENTS) == (relationship == "father")] or list(own)
        parent_first = rng.choice(options)
    else:
        parent_first = rng.choice(PARENT_FIRST["male" if relationship == "father" else "female"])
    parent_last = last
    if relationship in (FamilyContact.Relationship.FOSTER_CARER, FamilyContact.Relationship.CARER):
        parent_last = rng.choice(BACKGROUNDS[0].surnames)
    ethnicity = rng.choice(background.ethnicities)
    if rng.random() < 0.04:
        ethnicity = rng.choice([Ethnicity.REFUSED, Ethnicity.NOT_OBTAINED])
    return Family(
        first_name=first,
        last_name=last,
        gender=gender,
        ethnicity=ethnicity,
        home_languages=languages,
        interpreter_needed=interpreter,
        parent_name=f"{parent_first} {parent_last}",
        parent_relationship=relationship,
    )


def staff_name(rng: random.Random, *, first: str = "") -> str:
    return f"{first or rng.choice(STAFF_FIRST)} {rng.choice(STAFF_LAST)}"


def email_local(name: str) -> str:
    return ".".join("".join(ch for ch in part.lower() if ch.isalnum()) for part in name.split())


# --- identifiers and contact details --------------------------------------------------------------------


def upn(rng: random.Random, *, la_code: str = "873") -> str:
    """A UPN with a correct check letter: check letter, LA number, school number, year, serial."""
    body = f"{la_code}{rng.randint(2000, 7999):04d}{rng.randint(10, 25):02d}{rng.randint(0, 999):03d}"
    total = sum(int(d) * w for w, d in enumerate(body, start=2))
    return UPN_LETTERS[total % 23] + body


def nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range the NHS keeps for test data."""
    while True:
        stem = "999" + f"{rng.randint(0, 999999):06d}"
        check = 11 - sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return stem + str(check)


def uln(rng: random.Random) -> str:
    while True:
        stem = str(rng.randint(100000000, 999999999))
        remainder = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True)) % 11
        if remainder:
            return stem + str(10 - remainder)


def phone(rng: random.Random) -> str:
    """Ofcom's numbers for drama: they never ring anyone."""
    if rng.random() < 0.75:
        return f"07700 900{rng.randint(0, 999):03d}"
    area = rng.choice(["020 7946", "0161 496", "0113 496", "0117 496", "0121 496"])
    return f"{area} {rng.randint(0, 999):04d}"


STREETS = _split(
    "Station Church Park Victoria Albert Mill Grove Queens Kings Manor Orchard Willow Meadow Brook Chapel "
    "Elm Beech Oak Ash Cedar Springfield Highfield Riverside Canal Bridge Market Castle Abbey Priory Windsor"
)
STREET_KINDS = ("Road", "Street", "Lane", "Avenue", "Close", "Gardens", "Way", "Crescent", "Drive", "Court")
DISTRICTS = _split("Northgate Eastwick Millbrook Southfields Westbury Hollins Kingsmead Ashby Fenwick")


def address(rng: random.Random, *, town: str) -> tuple[str, str]:
    street = f"{rng.randint(1, 180)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"
    district = rng.choice(DISTRICTS)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcode = f"RV{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    return f"{street}\n{district}\n{town}", postcode


def date_of_birth(rng: random.Random, *, age: int, on: date) -> date:
    """A birthday making the child exactly ``age`` on ``on``."""
    latest = date(on.year - age, on.month, min(on.day, 28))
    return latest - timedelta(days=rng.randint(0, 364))


# --- what the request is about -------------------------------------------------------------------------

NEED_SUMMARIES: dict[str, tuple[str, ...]] = {
    AreaOfNeed.COMMUNICATION_INTERACTION: (
        "Autistic; finds changes of routine and busy rooms very hard and is spending most afternoons out of class.",
        "Very limited spoken language for their age; uses a few signs and pictures. Speech and language therapy involved.",
        "Diagnosed autism and a language disorder; struggles with unstructured times and has been excluded twice.",
        "Selective mutism; does not speak in school at all and is falling behind in every subject.",
    ),
    AreaOfNeed.COGNITION_LEARNING: (
        "Working well below age-related expectations in reading and maths despite two years of SEN support.",
        "Global developmental delay; needs adult support for most learning and for personal care.",
        "Severe dyslexia; reading age five years below chronological age and becoming anxious about school.",
        "Moderate learning difficulties; the school's graduated approach is not closing the gap.",
    ),
    AreaOfNeed.SEMH: (
        "Anxiety-related school avoidance; attended 40% of sessions this term. CAMHS referral made.",
        "ADHD; frequent dysregulation and two fixed-term suspensions this year.",
        "Attachment difficulties following early trauma; looked after by the local authority.",
        "Low mood and self-harm; part-time timetable since the autumn term.",
    ),
    AreaOfNeed.SENSORY_PHYSICAL: (
        "Cerebral palsy; uses a wheelchair and needs support with mobility, toileting and fine motor tasks.",
        "Profound hearing loss; uses British Sign Language and hearing aids.",
        "Visual impairment (registered severely sight impaired); needs modified materials and mobility training.",
        "Complex medical needs including epilepsy and a gastrostomy; needs a trained adult throughout the day.",
    ),
}
NEEDS = tuple(NEED_SUMMARIES)
_NEED_WEIGHTS = (38, 27, 22, 13)  # roughly the national mix of primary needs in EHC plans


def need(rng: random.Random) -> tuple[str, str, str]:
    """Primary need, a different secondary need (or none) and a summary of the reason for the request."""
    primary = rng.choices(NEEDS, weights=_NEED_WEIGHTS)[0]
    secondary = "" if rng.random() < 0.4 else rng.choice([n for n in NEEDS if n != primary])
    return primary, secondary, rng.choice(NEED_SUMMARIES[primary])


# --- accounts ----------------------------------------------------------------------------------------------

_HASHES: dict[tuple[str, str], str] = {}


def demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once: hashing is deliberately slow, and every demo account shares the password."""
    key = (settings.DEMO_PASSWORD, settings.PASSWORD_HASHERS[0])
    if key not in _HASHES:
        _HASHES[key] = make_password(settings.DEMO_PASSWORD)
    return _HASHES[key]
