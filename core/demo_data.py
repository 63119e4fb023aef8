"""Facts the demo loads: the Mexican consulates in the United States, fictional partner
organizations and fictional people."""

# (code, city, state) for the consular network in the United States (53 offices; Washington
# is the embassy's consular section).
CONSULATES = [
    ("ALB", "Albuquerque", "NM"), ("ANC", "Anchorage", "AK"), ("ATL", "Atlanta", "GA"),
    ("AUS", "Austin", "TX"), ("BOI", "Boise", "ID"), ("BOS", "Boston", "MA"),
    ("BRO", "Brownsville", "TX"), ("CXL", "Calexico", "CA"), ("CHI", "Chicago", "IL"),
    ("DAL", "Dallas", "TX"), ("DRT", "Del Rio", "TX"), ("DEN", "Denver", "CO"),
    ("DET", "Detroit", "MI"), ("DGL", "Douglas", "AZ"), ("EGP", "Eagle Pass", "TX"),
    ("ELP", "El Paso", "TX"), ("FAT", "Fresno", "CA"), ("HOU", "Houston", "TX"),
    ("IND", "Indianapolis", "IN"), ("MKC", "Kansas City", "MO"), ("LRD", "Laredo", "TX"),
    ("LAS", "Las Vegas", "NV"), ("LIT", "Little Rock", "AR"), ("LAX", "Los Angeles", "CA"),
    ("MFE", "McAllen", "TX"), ("MIA", "Miami", "FL"), ("MKE", "Milwaukee", "WI"),
    ("BNA", "Nashville", "TN"), ("MSY", "New Orleans", "LA"), ("NYC", "New York", "NY"),
    ("OLS", "Nogales", "AZ"), ("OMA", "Omaha", "NE"), ("ORL", "Orlando", "FL"),
    ("OXR", "Oxnard", "CA"), ("PHL", "Philadelphia", "PA"), ("PHX", "Phoenix", "AZ"),
    ("PDX", "Portland", "OR"), ("PRS", "Presidio", "TX"), ("RDU", "Raleigh", "NC"),
    ("SAC", "Sacramento", "CA"), ("STP", "Saint Paul", "MN"), ("SLC", "Salt Lake City", "UT"),
    ("SAT", "San Antonio", "TX"), ("SBD", "San Bernardino", "CA"), ("SAN", "San Diego", "CA"),
    ("SFO", "San Francisco", "CA"), ("SJC", "San Jose", "CA"), ("SNA", "Santa Ana", "CA"),
    ("SEA", "Seattle", "WA"), ("TUS", "Tucson", "AZ"), ("WAS", "Washington", "DC"),
    ("YUM", "Yuma", "AZ"), ("SJU", "San Juan", "PR"),
]
# IANA zone of each office outside Central time; every other office keeps America/Chicago.
TIME_ZONES = {
    "America/New_York": ["ATL", "BOS", "DET", "IND", "MIA", "NYC", "ORL", "PHL", "RDU", "WAS"],
    "America/Denver": ["ALB", "BOI", "DEN", "ELP", "SLC"],
    "America/Phoenix": ["DGL", "OLS", "PHX", "TUS", "YUM"],
    "America/Los_Angeles": ["CXL", "FAT", "LAS", "LAX", "OXR", "PDX", "SAC", "SBD", "SAN", "SFO",
                            "SJC", "SNA", "SEA"],
    "America/Anchorage": ["ANC"],
    "America/Puerto_Rico": ["SJU"],
}

SPANISH_CITY_NAMES = {
    "Los Angeles": "Los Ángeles", "New York": "Nueva York", "New Orleans": "Nueva Orleans",
    "Philadelphia": "Filadelfia", "Saint Paul": "Saint Paul", "San Jose": "San José",
}

# Fictional organizations (names and EINs invented for the demo).
PARTNERS = [
    {"key": "midwest", "name": "Midwest Immigrant Bond Project", "ein": "36-4567890",
     "city": "Chicago", "state": "IL", "email": "bonds@midwest-bond.example.org",
     "consulates": ["CHI", "MKE", "IND", "DET", "STP"]},
    {"key": "southwest", "name": "Southwest Detention Aid", "ein": "95-1234567",
     "city": "Los Angeles", "state": "CA", "email": "intake@sw-detention-aid.example.org",
     "consulates": ["LAX", "SBD", "SNA", "SAN", "PHX", "TUS"]},
    {"key": "heartland", "name": "Heartland Legal Defense Fund", "ein": "43-2233445",
     "city": "Kansas City", "state": "MO", "email": "fund@heartland-legal.example.org",
     "consulates": ["MKC", "OMA", "LIT"]},
    {"key": "riogrande", "name": "Rio Grande Immigrant Law Clinic", "ein": "74-3344556",
     "city": "El Paso", "state": "TX", "email": "clinic@riogrande-law.example.org",
     "consulates": ["ELP", "ALB", "PRS"]},
    {"key": "texas", "name": "Texas Freedom Bond Network", "ein": "74-5566778",
     "city": "San Antonio", "state": "TX", "email": "network@tx-freedom-bond.example.org",
     "consulates": ["SAT", "HOU", "DAL", "AUS", "MFE", "LRD", "BRO"]},
]

PASSWORD = "fianza-demo-2026"
# RFC 6238's test secret ("12345678901234567890"); base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,
# so any authenticator app can be set up for the demo accounts by hand.
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
TOTP_KEY_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
BACKUP_CODES = [f"demo-{n:04d}" for n in range(1, 11)]

# username, first name, last name, role, consulate code, partner key, language, superuser
USERS = [
    ("oficial.chicago", "Lucía", "Hernández Ruiz", "consulate_officer", "CHI", None, "es", False),
    ("oficial.losangeles", "Mateo", "Ramírez Soto", "consulate_officer", "LAX", None, "es",
     False),
    ("oficial.houston", "Daniela", "Garza Treviño", "consulate_officer", "HOU", None, "es",
     False),
    ("finanzas.chicago", "Andrés", "Morales Vega", "finance_approver", "CHI", None, "es", False),
    ("finanzas.chicago2", "Patricia", "Flores Medina", "finance_approver", "CHI", None, "es",
     False),
    ("finanzas.hq", "Jorge", "Castillo Navarro", "finance_approver", None, None, "es", False),
    ("socio.midwest", "Emily", "Novak", "partner_staff", None, "midwest", "en", False),
    ("socio.southwest", "Marcus", "Reyes", "partner_staff", None, "southwest", "en", False),
    ("admin.programas", "Gabriela", "Ortiz Salazar", "program_admin", None, None, "es", True),
    ("auditoria", "Ricardo", "Mendoza Lara", "auditor", None, None, "es", False),
]
SECOND_FACTOR_ROLES = {"finance_approver", "program_admin"}

# Fictional people: given names, family names, date of birth, sex, CURP state, consulate,
# preferred language, A-number, accessibility needs.
BENEFICIARIES = [
    ("José Luis", "García Hernández", "1988-03-14", "H", "MN", "CHI", "es", "201456789", ""),
    ("María Guadalupe", "Martínez López", "1992-11-02", "M", "GT", "CHI", "es", "203987654", ""),
    ("Juan Carlos", "Rodríguez Pérez", "1979-07-21", "H", "JC", "CHI", "es", "198765432", ""),
    ("Rosa Isela", "Sánchez Ramírez", "1995-01-30", "M", "ZS", "CHI", "es", "209112233",
     "Uses hearing aids; prefers written notes."),
    ("Francisco Javier", "Torres Flores", "1984-09-09", "H", "DF", "CHI", "es", "", ""),
    ("Ana Karen", "Cruz Gómez", "2001-05-18", "M", "PL", "CHI", "es", "212334455", ""),
    ("Pedro", "Santiago Mendoza", "1990-12-12", "H", "OC", "CHI", "mix", "205667788",
     "Speaks Mixtec; needs an interpreter."),
    ("Guadalupe", "Reyes Morales", "1975-04-04", "M", "MC", "CHI", "es", "", ""),
    ("Miguel Ángel", "Jiménez Ruiz", "1987-08-25", "H", "GR", "LAX", "es", "206778899", ""),
    ("Verónica", "Díaz Castillo", "1993-02-14", "M", "SL", "LAX", "es", "207889900", ""),
    ("Alejandro", "Vázquez Ortiz", "1982-06-06", "H", "SR", "LAX", "es", "", ""),
    ("Juana", "López Hernández", "1970-10-10", "M", "CS", "LAX", "tzo", "195443322",
     "Speaks Tzotzil; limited Spanish."),
    ("Luis Fernando", "Moreno Aguilar", "1998-03-03", "H", "BC", "LAX", "es", "214556677", ""),
    ("Carmen", "Gutiérrez Navarro", "1986-09-19", "M", "SP", "HOU", "es", "208990011", ""),
    ("Roberto", "Chávez Ramos", "1977-12-01", "H", "TS", "HOU", "es", "199221133", ""),
    ("Fernanda", "Romero Silva", "2000-07-07", "M", "NL", "HOU", "en", "", ""),
    ("Eduardo", "Herrera Domínguez", "1991-01-15", "H", "CH", "ELP", "es", "210334466", ""),
    ("Teresa", "Medina Cortés", "1983-05-22", "M", "YN", "PHX", "yua", "", ""),
    ("Raúl", "Vargas Estrada", "1989-11-11", "H", "MN", "MKE", "es", "211445577", ""),
    # The same man, registered again at Milwaukee with his name spelled differently and no
    # A-number: the demo's duplicate for a program administrator to merge.
    ("Jose Luis", "Garcia Hernandez", "1988-03-14", "H", "MN", "MKE", "es", "", ""),
]

FAMILY_CONTACTS = {
    "201456789": [("María Hernández Soto", "mother", "+52 443 555 0101")],
    "203987654": [("Roberto Martínez Díaz", "husband", "+1 773 555 0142")],
    "206778899": [("Elena Ruiz Campos", "sister", "+1 213 555 0177")],
}
