"""The demo's people: who they are, their plans and who is connected to whom."""

from __future__ import annotations

from datetime import datetime

DEMO_NOW = datetime(2026, 3, 2, 9, 0, 0)
SEED = 20260302
ME = "me"

# The acting member switches Open Profile on at this point of the timeline: strangers
# who wrote before it had to use InMail, those after it land in Other for free.
OPEN_PROFILE_ON = datetime(2026, 2, 20, 10, 0)

# handle, name, position, company, location, plan, open profile
PEOPLE: tuple[tuple[str, str, str, str, str, str, bool], ...] = (
    (ME, "Maya Chen", "Engineering Manager, Data Platform", "Northwind Analytics",
     "Seattle, Washington, United States", "premium-business", False),
    ("tom-hartley", "Tom Hartley", "Director of Engineering", "Northwind Analytics",
     "Seattle, Washington, United States", "premium-career", False),
    ("daniel-okafor", "Daniel Okafor", "Staff Software Engineer", "Northwind Analytics",
     "Seattle, Washington, United States", "basic", False),
    ("priya-raman", "Priya Raman", "Senior Data Engineer", "Northwind Analytics",
     "Bellevue, Washington, United States", "basic", False),
    ("lena-fischer", "Lena Fischer", "Technical Recruiter", "Northwind Analytics",
     "Remote, United States", "recruiter-lite", False),
    ("marcus-bell", "Marcus Bell", "Product Manager, Data Platform", "Northwind Analytics",
     "Seattle, Washington, United States", "basic", False),
    ("henrik-larsen", "Henrik Larsen", "Senior Site Reliability Engineer", "Northwind Analytics",
     "Copenhagen, Denmark", "basic", False),
    ("rebecca-shaw", "Rebecca Shaw", "VP People", "Northwind Analytics",
     "Seattle, Washington, United States", "premium-business", False),
    ("fatima-zahra", "Fatima Zahra", "Data Platform Engineer", "Northwind Analytics",
     "Seattle, Washington, United States", "basic", False),
    ("sofia-alvarez", "Sofía Álvarez", "VP Engineering", "Halcyon Health",
     "Austin, Texas, United States", "premium-business", False),
    ("kwame-mensah", "Kwame Mensah", "Engineering Manager, Clinical Data", "Halcyon Health",
     "Austin, Texas, United States", "basic", False),
    ("hannah-cole", "Hannah Cole", "Data Scientist", "Halcyon Health",
     "Denver, Colorado, United States", "basic", False),
    ("laura-becker", "Laura Becker", "Principal Data Architect", "Halcyon Health",
     "Austin, Texas, United States", "basic", False),
    ("amara-nwosu", "Amara Nwosu", "Senior Product Manager", "Halcyon Health",
     "Atlanta, Georgia, United States", "premium-career", False),
    ("oliver-grant", "Oliver Grant", "Principal", "Larkspur Capital",
     "San Francisco, California, United States", "premium-business", False),
    ("ines-duarte", "Inês Duarte", "Associate, Enterprise Software", "Larkspur Capital",
     "New York, New York, United States", "premium-business", False),
    ("marta-silva", "Marta Silva", "Talent Partner, Portfolio", "Larkspur Capital",
     "New York, New York, United States", "recruiter-lite", False),
    ("raj-patel", "Raj Patel", "Head of Data", "Meridian Freight",
     "Chicago, Illinois, United States", "premium-career", False),
    ("emily-zhang", "Emily Zhang", "Senior Analytics Engineer", "Meridian Freight",
     "Chicago, Illinois, United States", "basic", False),
    ("kevin-osei", "Kevin Osei", "Software Engineer", "Meridian Freight",
     "Chicago, Illinois, United States", "basic", False),
    ("peter-ng", "Peter Ng", "Senior Data Engineer", "Meridian Freight",
     "Milwaukee, Wisconsin, United States", "basic", False),
    ("jonas-weber", "Jonas Weber", "Account Executive", "Quillstone Software",
     "Berlin, Germany", "sales-navigator", False),
    ("claire-dubois", "Claire Dubois", "Solutions Engineer", "Quillstone Software",
     "Paris, France", "basic", False),
    ("nate-romero", "Nate Romero", "Partnerships Lead", "Quillstone Software",
     "Denver, Colorado, United States", "sales-navigator", False),
    ("lucas-moreau", "Lucas Moreau", "Data Engineer", "Quillstone Software",
     "Lyon, France", "basic", False),
    ("aisha-bello", "Aisha Bello", "Data Engineering Lead", "Tidewater Energy",
     "Houston, Texas, United States", "basic", False),
    ("grace-kim", "Grace Kim", "Software Engineer II", "Tidewater Energy",
     "Houston, Texas, United States", "basic", False),
    ("noah-fitzgerald", "Noah Fitzgerald", "Engineering Manager", "Tidewater Energy",
     "Houston, Texas, United States", "basic", False),
    ("rachel-stein", "Rachel Stein", "Executive Recruiter, Data & AI", "Beacon Talent Partners",
     "New York, New York, United States", "recruiter-lite", False),
    ("victor-nguyen", "Victor Nguyen", "Senior Technical Recruiter", "Beacon Talent Partners",
     "San Jose, California, United States", "recruiter-lite", False),
    ("sam-oconnell", "Sam O'Connell", "Founder & CEO", "Orchard Labs",
     "Portland, Oregon, United States", "premium-career", False),
    ("mei-tanaka", "Mei Tanaka", "Machine Learning Engineer", "Orchard Labs",
     "Portland, Oregon, United States", "basic", False),
    ("olivia-reed", "Olivia Reed", "Head of Talent", "Orchard Labs",
     "Portland, Oregon, United States", "recruiter-lite", False),
    ("alan-harris", "Dr. Alan Harris", "Professor of Computer Science", "Fernhill University",
     "Burlington, Vermont, United States", "basic", False),
    ("zoe-martin", "Zoe Martin", "Alumni Relations Officer", "Fernhill University",
     "Burlington, Vermont, United States", "basic", False),
    ("ben-carter", "Ben Carter", "Enterprise Account Executive", "Summit Cloud",
     "Seattle, Washington, United States", "sales-navigator", False),
    ("nina-petrova", "Nina Petrova", "Developer Advocate", "Summit Cloud",
     "Toronto, Ontario, Canada", "basic", False),
    ("george-adams", "George Adams", "Director of Engineering, Partnerships", "Summit Cloud",
     "Vancouver, British Columbia, Canada", "premium-career", False),
    ("carlos-mendes", "Carlos Mendes", "Director of Analytics", "Vantage Retail",
     "Minneapolis, Minnesota, United States", "premium-career", False),
    ("julia-novak", "Julia Novak", "Senior Data Analyst", "Vantage Retail",
     "Minneapolis, Minnesota, United States", "basic", False),
    ("ryan-murphy", "Ryan Murphy", "Senior Product Designer", "Vantage Retail",
     "Minneapolis, Minnesota, United States", "basic", False),
    ("diego-ramirez", "Diego Ramírez", "Analytics Manager", "Vantage Retail",
     "St. Paul, Minnesota, United States", "basic", False),
    ("ethan-brooks", "Ethan Brooks", "Head of Platform", "Keystone Biotech",
     "Boston, Massachusetts, United States", "premium-career", True),
    ("farah-haddad", "Farah Haddad", "Bioinformatics Engineer", "Keystone Biotech",
     "Cambridge, Massachusetts, United States", "basic", False),
    ("yuki-sato", "Yuki Sato", "Staff Engineer", "Keystone Biotech",
     "Boston, Massachusetts, United States", "basic", False),
    ("mateo-garcia", "Mateo García", "Engineering Manager, Lab Platform", "Keystone Biotech",
     "Boston, Massachusetts, United States", "basic", False),
    ("liam-walsh", "Liam Walsh", "Managing Consultant", "Ridgeline Consulting",
     "Dublin, Ireland", "basic", False),
    ("chloe-evans", "Chloe Evans", "Data Strategy Consultant", "Ridgeline Consulting",
     "London, United Kingdom", "basic", False),
    ("david-levi", "David Levi", "CTO", "Granite Payments",
     "New York, New York, United States", "premium-business", False),
    ("ana-costa", "Ana Costa", "Staff Engineer, Ledger Systems", "Granite Payments",
     "Lisbon, Portugal", "basic", False),
    ("isabel-santos", "Isabel Santos", "Engineering Manager, Risk", "Granite Payments",
     "New York, New York, United States", "basic", False),
    ("hana-kowalski", "Hana Kowalski", "Principal Engineer", "Granite Payments",
     "Warsaw, Poland", "basic", False),
    ("tasha-williams", "Tasha Williams", "Program Chair, DataConf", "Nimbus Events",
     "Chicago, Illinois, United States", "basic", False),
    ("kyle-brandt", "Kyle Brandt", "Growth Partner | 10x your pipeline", "ScaleUp Leads",
     "Miami, Florida, United States", "sales-navigator", False),
    ("jordan-blake", "Jordan Blake", "Talent Acquisition | Web3 & Digital Assets", "Apex Global Holdings",
     "Remote", "basic", False),
    ("tyler-moss", "Tyler Moss", "Founder", "Pipeline Pro",
     "Austin, Texas, United States", "basic", False),
)

HEADLINES = {
    ME: "Engineering Manager, Data Platform at Northwind Analytics · Hiring senior data engineers",
    "tom-hartley": "Director of Engineering at Northwind Analytics · Data, ML and platform teams",
    "lena-fischer": "Technical Recruiter at Northwind Analytics · We're hiring data engineers!",
    "rachel-stein": "Executive Recruiter, Data & AI · Placing engineering leaders at growth-stage companies",
    "sofia-alvarez": "VP Engineering at Halcyon Health · Building the clinical data platform",
    "kyle-brandt": "Growth Partner | I help B2B teams 10x their pipeline | DM me",
    "jordan-blake": "Talent Acquisition | Web3 & Digital Assets | Remote roles, top pay",
    "alan-harris": "Professor of Computer Science at Fernhill University · Databases and distributed systems",
}

# The company account that sends the sponsored message.
COMPANY = ("summit-cloud", "Summit Cloud", "Cloud data infrastructure", "Summit Cloud",
           "Seattle, Washington, United States")

CONNECTIONS: tuple[tuple[str, str], ...] = tuple(
    (a, b)
    for a, others in {
        ME: "tom-hartley daniel-okafor priya-raman lena-fischer marcus-bell henrik-larsen rebecca-shaw "
            "fatima-zahra sofia-alvarez kwame-mensah laura-becker amara-nwosu oliver-grant marta-silva "
            "raj-patel kevin-osei peter-ng lucas-moreau aisha-bello noah-fitzgerald sam-oconnell olivia-reed "
            "alan-harris zoe-martin george-adams carlos-mendes ryan-murphy diego-ramirez yuki-sato "
            "david-levi isabel-santos hana-kowalski tasha-williams",
        "tom-hartley": "daniel-okafor marcus-bell lena-fischer rebecca-shaw",
        "daniel-okafor": "priya-raman henrik-larsen fatima-zahra",
        "priya-raman": "henrik-larsen fatima-zahra lena-fischer",
        "sofia-alvarez": "hannah-cole kwame-mensah laura-becker amara-nwosu",
        "raj-patel": "emily-zhang kevin-osei peter-ng tasha-williams",
        "aisha-bello": "grace-kim noah-fitzgerald",
        "sam-oconnell": "mei-tanaka olivia-reed",
        "david-levi": "ana-costa isabel-santos hana-kowalski",
        "isabel-santos": "ana-costa",
        "carlos-mendes": "julia-novak ryan-murphy diego-ramirez",
        "oliver-grant": "ines-duarte marta-silva sam-oconnell",
        "alan-harris": "kevin-osei zoe-martin yuki-sato",
        "zoe-martin": "ryan-murphy",
        "jonas-weber": "claire-dubois nate-romero lucas-moreau",
        "rachel-stein": "victor-nguyen",
        "ben-carter": "nina-petrova george-adams",
        "ethan-brooks": "farah-haddad yuki-sato",
        "liam-walsh": "chloe-evans",
    }.items()
    for b in others.split()
)

# Connection requests: (when, from, to, note). Two wait for Maya's answer; one of hers waits.
INVITATIONS: tuple[tuple[datetime, str, str, str], ...] = (
    (datetime(2026, 2, 27, 16, 20), "mei-tanaka", ME,
     "Loved your talk on streaming joins at DataCouncil. Would be great to stay in touch!"),
    (datetime(2026, 3, 1, 11, 5), "farah-haddad", ME, ""),
    (datetime(2026, 2, 28, 9, 45), ME, "chloe-evans",
     "Chloe, your write-up on data contracts was excellent. Let's connect."),
)

# Maya's saved replies: (name, subject, body).
TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("intro-call", "Data roles at {company}? A quick chat",
     "Hi {first_name},\n\nI lead data engineering at Northwind Analytics and we are hiring. Would you be "
     "open to a 20-minute call next week?\n\nBest,\n{my_first_name}"),
    ("thanks", "", "Thank you, {first_name}! I'll get back to you by Friday."),
    ("not-now", "", "Hi {first_name}, thanks for thinking of me. I'm not looking right now, but let's keep "
     "in touch."),
)

# A shared inbox: Northwind's support address, a person account (so it can have delegates) that
# Maya and a teammate work in. Its people come and go after every step of Maya's own inbox, so
# her inbox is exactly as it would be without it.
# handle, name, position, company, location (as PEOPLE, without plan and open profile)
SUPPORT = ("northwind-support", "Northwind Support", "Customer Support", "Northwind Analytics",
           "Seattle, Washington, United States")
TEAMMATE = ("sipho-ndlovu", "Sipho Ndlovu", "Support Engineer", "Northwind Analytics", "Cape Town, South Africa")
SUPPORT_JOINED = datetime(2025, 9, 20, 9, 0)

# Customers who write to Northwind Support: (handle, name, position, company, location), what they wrote.
CUSTOMERS: tuple[tuple[tuple[str, str, str, str, str], str], ...] = (
    (("dimitris-papadakis", "Δημήτρης Παπαδάκης", "Αναλυτής Δεδομένων", "Αιγαίο Τρόφιμα", "Αθήνα, Ελλάδα"),
     "Καλησπέρα! Το dashboard δεν φορτώνει από χθες το βράδυ. Μπορείτε να βοηθήσετε;"),
    (("olga-smirnova", "Ольга Смирнова", "Руководитель BI", "Волга Логистик", "Москва, Россия"),
     "Здравствуйте! Не могу экспортировать отчёт в CSV: кнопка неактивна."),
    (("wang-fang", "王芳", "运营经理", "莲花贸易", "上海, 中国"),
     "您好，我们的团队想升级到企业版，请问如何开具发票？"),
    (("jurgen-gross", "Jürgen Groß", "Leiter Datenplattform", "Alpenblick Versicherung", "München, Deutschland"),
     "Guten Morgen, die API liefert seit heute früh 429-Fehler. Wurde ein Limit geändert?"),
    (("ayse-yilmaz", "Ayşe Yılmaz", "Veri Mühendisi", "Boğaziçi Lojistik", "İstanbul, Türkiye"),
     "Merhaba, şifre sıfırlama e-postası gelmiyor 🙏"),
)
