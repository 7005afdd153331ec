"""The benchmark store's text: word lists and sentence templates, rendered with a fixed seed.

Sentences are rendered once into pools and bodies are put together from them, so the
build spends its time in SQLite, not in Python. Some words are common (thanks, call,
role), some rare (Kubernetes, HIPAA, ticket numbers), so searches hit realistically.
"""

from __future__ import annotations

import random
from string import Formatter
from typing import Callable

FIRST_NAMES = (
    "Maya Jordan Priya Liam Sofia Noah Aisha Mateo Chloe Ethan Zara Lucas Hana Omar Elena "
    "Daniel Amara Felix Ines Kenji Leila Marco Nadia Oscar Paula Rafael Sana Tomas Uma Victor "
    "Wen Yara Andre Bianca Carlos Dana Emil Farah Gabriel Helena Ivan Julia Kai Lena Mikael "
    "Nora Olivia Pedro Quinn Rosa Samuel Tara Umar Vera Will Xin Yusuf Zoe Adrian Bea Cyrus "
    "Diego Eva Fatima George Hiro Isla Jonas Kira Leo Mina Nils Ola Pia Ravi Selin Theo Ulla "
    "Vik Wanda Yann Zeynep Arjun Clara Dev Elif Femi Greta Hugo Ilse Jamal Katya Lars Mei "
    "Nico Orla Pranav Rhea Stellan Tariq Ursula Valentina Wiktor Ximena Yosef Zainab Ana Ben"
).split()
LAST_NAMES = (
    "Chen Smith Patel Garcia Kim Nguyen Okafor Rossi Muller Silva Haddad Novak Tanaka Kowalski "
    "Andersson Dubois Fischer Ivanova Jensen Khan Lopez Moreau Nakamura Osei Petrov Quinn Reyes "
    "Santos Takahashi Ueda Varga Weber Xu Yilmaz Zhang Abbott Baker Costa Diaz Evans Ferreira "
    "Gomez Hughes Ibrahim Johansson Kaur Larsen Mendes Nielsen Oliveira Park Ramos Schmidt "
    "Torres Usman Vasquez Walsh Young Zimmermann Ahmed Bauer Carter Dias Eriksen Fontaine Gill "
    "Horvath Iyer Jovanovic Klein Lindqvist Mahmoud Nowak Ortiz Pereira Richter Sato Thompson "
    "Uddin Vogel Wright Yamada Zhou Adeyemi Bergstrom Castillo Duarte Engel Fuchs Greco Holm"
).split()
COMPANIES = (
    "Acme Analytics|Northwind Traders|Globex Systems|Initech|Umbrella Health|Stark Logistics|"
    "Wayne Capital|Hooli|Pied Piper|Vandelay Industries|Cyberdyne Robotics|Soylent Foods|"
    "Tyrell Biotech|Wonka Confections|Gringotts Finance|Oscorp Labs|Massive Dynamic|Aperture Science|"
    "Blue Sun Media|Virtucon|Monarch Solutions|Dunder Mifflin|Sterling Cooper|Prestige Worldwide|"
    "Bluth Development|Gekko Partners|Nakatomi Trading|Weyland Aerospace|Rekall Travel|Duff Brewing|"
    "Krusty Kitchens|Paper Street Soap|Los Pollos Hermanos|Good Burger|Big Kahuna|Ollivanders|"
    "Spacely Sprockets|Cogswell Cogs|Planet Express|MomCorp|Tessier Ashpool|Yoyodyne Propulsion|"
    "Zorg Industries|Omni Consumer Products|Buy n Large|Dharma Initiative|Hanso Foundation|"
    "Abstergo|Black Mesa|InGen|Cyberlife|Sirius Cybernetics|Veidt Enterprises|Lacuna|"
    "Brawndo|Central Perk|Monsters Inc|Gadgetron|Kwik-E-Mart|Helix Data|Quantum Ledger|"
    "Brightline Cloud|Cobalt Payments|Evergreen Software|Fjord Security|Granite Insurance|"
    "Harbor Freight Tech|Ironclad Legal|Juniper Retail|Keystone Energy|Lumen Learning|Meridian Travel|"
    "Nimbus Storage|Orbit Telecom|Pinnacle Consulting|Quartz Media|Redwood Realty|Summit Staffing"
).split("|")
POSITIONS = (
    "Software Engineer|Senior Software Engineer|Staff Engineer|Engineering Manager|Product Manager|"
    "Product Designer|Data Scientist|Data Engineer|DevOps Engineer|Site Reliability Engineer|"
    "Account Executive|Sales Development Representative|Customer Success Manager|Solutions Architect|"
    "Technical Recruiter|Talent Partner|Head of Talent|Marketing Manager|Growth Lead|CFO|CTO|"
    "VP Engineering|VP Sales|Operations Manager|Financial Analyst|Legal Counsel|Support Engineer|"
    "Security Engineer|Frontend Developer|Backend Developer|Mobile Developer|QA Lead|"
    "Program Manager|Business Analyst|HR Business Partner|Founder|Consultant|Procurement Lead"
).split("|")
CITIES = (
    "London|Berlin|Paris|Amsterdam|Lisbon|Madrid|Dublin|Stockholm|Warsaw|Zurich|New York|"
    "San Francisco|Seattle|Austin|Toronto|Chicago|Boston|Denver|Singapore|Tokyo|Sydney|"
    "Bangalore|Dubai|Nairobi|Lagos|Sao Paulo|Mexico City|Copenhagen|Helsinki|Vienna|Prague|Oslo"
).split("|")
# Weighted: the first are common, the tail is rare (a search for them finds few messages).
SKILLS = (
    "Python|Java|SQL|React|sales|leadership|product strategy|analytics|TypeScript|Go|AWS|"
    "machine learning|customer success|negotiation|Rust|Kotlin|data pipelines|Terraform|"
    "Kubernetes|GraphQL|Elixir|Haskell|SOC2 compliance|HIPAA audits|Fortran|COBOL migrations"
).split("|")
FEATURES = (
    "export|single sign-on|billing page|mobile app|search|notifications|dashboard|API|"
    "calendar sync|CSV import|reporting|user invitations|two-factor login|webhooks|audit log"
).split("|")
DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|next Monday|next week|tomorrow".split("|")
TIMES = "9:00|9:30|10:00|11:00|11:30|13:00|14:00|15:30|16:00|17:00".split("|")
EVENTS = "Web Summit|SaaStr|the AWS Summit|PyCon|Collision|the CX Forum|our webinar|the Dreamforce party".split("|")
DOCS = "proposal|contract|statement of work|NDA|pricing sheet|onboarding plan|roadmap|security questionnaire".split("|")
IDPS = "Okta|Azure AD|Google Workspace|OneLogin|Ping Identity".split("|")
PERKS = "fully remote|hybrid, two days in the office|on-site|remote within Europe|remote in the US".split("|")

TEMPLATES: dict[str, tuple[str, ...]] = {
    "support": (
        "Thanks for contacting {company} support about the {feature}.",
        "I'm sorry to hear the {feature} stopped working after the {version} update.",
        "Could you send me a screenshot of the error you see ({error})?",
        "I've opened ticket #{ticket} with our engineering team and will keep you posted.",
        "The fix for the {feature} ships in version {version}, expected on {day}.",
        "Your refund of ${amount} has been processed and should arrive within five business days.",
        "Have you tried signing out and back in? That clears the cached session.",
        "Our single sign-on with {idp} needs the SAML certificate renewed on your side.",
        "The invoice for {month} shows {seats} seats; I've corrected it to {seats2}.",
        "I can confirm the outage on {day} affected the {feature} for about {minutes} minutes.",
        "Please try the {feature} again now and let me know if error {error} comes back.",
        "I've escalated ticket #{ticket} to our on-call engineer.",
        "We've credited your account with ${amount} for the downtime.",
        "The export limit is {n} rows per file; larger exports are split automatically.",
        "You can find the steps in our help center: https://help.{domain}.com/articles/{ticket}",
    ),
    "recruiting": (
        "I came across your profile and was impressed by your work with {skill}.",
        "We're hiring a {position} in {city} ({perk}).",
        "The salary range is ${low}k to ${high}k plus equity and a learning budget.",
        "Would you be open to a 20-minute call on {day} at {time}?",
        "{company} is growing the team that owns {skill} and the {feature}.",
        "Your experience at {company2} looks like a great fit for this role.",
        "The interview process is a screening call, a take-home exercise and a panel.",
        "I'd love to tell you more about the {position} opening.",
        "We sponsor visas and help with relocation to {city}.",
        "Here is the job description: https://careers.{domain}.com/jobs/{ticket}",
        "Are you open to new opportunities this quarter?",
    ),
    "sales": (
        "I noticed {company} is expanding its {dept} team in {city}.",
        "Our platform helps teams like yours cut reporting time by {pct}%.",
        "Happy to share a case study from {company2} on their rollout.",
        "Can I send over pricing for {seats} seats?",
        "Your renewal is coming up on {month}; shall we review the plan?",
        "I've attached the quote; the purchase order can reference {ticket}.",
        "We offer a {pct}% discount for an annual commitment.",
        "Would a short demo of the {feature} be useful for your team?",
        "Legal has the {doc} now; we expect sign-off by {day}.",
        "The pilot with {seats} users went well and the team wants to expand.",
    ),
    "networking": (
        "Great meeting you at {event} in {city}!",
        "Let's grab coffee {day} if you are around.",
        "Does {time} on {day} work for you?",
        "Sending the calendar invite now.",
        "Congrats on the new role at {company}!",
        "I'd be glad to introduce you to my colleague at {company2}.",
        "Thanks for the recommendation, it means a lot.",
        "Loved your post about {skill} last week.",
        "Are you going to {event} this year?",
    ),
    "project": (
        "The Q{q} roadmap review is on {day} at {time}.",
        "Here's the draft of the {doc} for your comments.",
        "Can you review the {doc} before {day}?",
        "We need sign-off from legal on the {doc}.",
        "The {feature} milestone slipped by a week because of the {skill} work.",
        "I've updated the tracker; ticket #{ticket} is the last blocker.",
        "The budget for Q{q} is approved at ${amount}.",
        "Let's move the standup to {time} so {city} can join.",
        "The shared folder is at https://drive.{domain}.com/folders/{ticket}",
    ),
}
SHORT_REPLIES = (
    "Thanks!",
    "Thanks, {first}.",
    "Sounds good.",
    "Will do.",
    "Got it, thanks {first}.",
    "Perfect, talk then.",
    "Let me check and get back to you.",
    "Yes, that works for me.",
    "Could we do {day} instead?",
    "Great, see you {day}.",
    "Thank you for the quick reply.",
    "Just following up on my last message.",
    "Any update on this?",
    "Appreciate it!",
    "No problem at all.",
    "Done, it should be fixed now.",
)
SUBJECTS = (
    "{position} opportunity at {company}",
    "Exploring {position} roles?",
    "Quick question about {skill}",
    "Partnership idea: {company} x {company2}",
    "{company} pricing for your team",
    "Introduction from {event}",
    "Your experience with {skill}",
    "Invitation: {position} in {city}",
)
SPONSORED = (
    "Join {company}'s free webinar on {skill} this {day}.",
    "{company} is hiring {position}s in {city}: see open roles.",
    "Download our {month} report on {skill} trends.",
    "Try {feature} from {company} free for 30 days.",
)
GREETINGS = ("Hi ", "Hello ", "Hey ", "Dear ", "Good morning ")
SIGN_OFFS = ("Best, ", "Thanks, ", "Cheers, ", "Kind regards, ", "Talk soon, ")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December".split("|")
DEPTS = "sales|engineering|support|marketing|finance|data|security|operations".split("|")


def running_totals(values):
    running = 0.0
    for value in values:
        running += value
        yield running


SKILL_WEIGHTS = list(running_totals(1 / (i + 1) ** 1.3 for i in range(len(SKILLS))))
SLOTS: dict[str, Callable[[random.Random], object]] = {
    "company": lambda rng: rng.choice(COMPANIES),
    "company2": lambda rng: rng.choice(COMPANIES),
    "domain": lambda rng: rng.choice(COMPANIES).split()[0].lower(),
    "feature": lambda rng: rng.choice(FEATURES),
    "version": lambda rng: f"{rng.randint(2, 9)}.{rng.randint(0, 20)}",
    "error": lambda rng: f"E{rng.randint(1000, 9999)}",
    "ticket": lambda rng: rng.randint(10000, 999999),
    "day": lambda rng: rng.choice(DAYS),
    "time": lambda rng: rng.choice(TIMES),
    "amount": lambda rng: rng.choice((49, 99, 120, 250, 480, 1200, 5000, 18000)),
    "idp": lambda rng: rng.choice(IDPS),
    "month": lambda rng: rng.choice(MONTHS),
    "seats": lambda rng: rng.choice((5, 10, 25, 40, 100, 250)),
    "seats2": lambda rng: rng.choice((4, 8, 20, 35, 90)),
    "minutes": lambda rng: rng.randint(5, 90),
    "n": lambda rng: rng.choice(("50,000", "100,000", "1,000,000")),
    "skill": lambda rng: rng.choices(SKILLS, cum_weights=SKILL_WEIGHTS)[0],
    "position": lambda rng: rng.choice(POSITIONS),
    "city": lambda rng: rng.choice(CITIES),
    "perk": lambda rng: rng.choice(PERKS),
    "low": lambda rng: rng.choice((90, 110, 130, 150)),
    "high": lambda rng: rng.choice((160, 180, 210, 240)),
    "dept": lambda rng: rng.choice(DEPTS),
    "pct": lambda rng: rng.choice((15, 20, 30, 40, 60)),
    "doc": lambda rng: rng.choice(DOCS),
    "event": lambda rng: rng.choice(EVENTS),
    "q": lambda rng: rng.randint(1, 4),
    "first": lambda rng: "{first}",  # filled per message with the reader's first name
}
_SLOT_NAMES: dict[str, tuple[str, ...]] = {}


def _fill(template: str, rng: random.Random) -> str:
    """The template with each of its slots filled at random."""
    names = _SLOT_NAMES.get(template)
    if names is None:
        # In the template's order, not a set's: the draws must not depend on the string hash seed.
        names = _SLOT_NAMES[template] = tuple(dict.fromkeys(
            name for _text, name, _spec, _conv in Formatter().parse(template) if name
        ))
    return template.format(**{name: SLOTS[name](rng) for name in names})


def sentence_pools(rng: random.Random, size: int) -> dict[str, list[str]]:
    """``size`` rendered sentences per topic, plus subjects, sponsored texts and short replies."""
    pools = {topic: [_fill(rng.choice(templates), rng) for _ in range(size)] for topic, templates in TEMPLATES.items()}
    pools["subject"] = [_fill(rng.choice(SUBJECTS), rng) for _ in range(max(50, size // 4))]
    pools["sponsored"] = [_fill(rng.choice(SPONSORED), rng) for _ in range(max(20, size // 20))]
    pools["short"] = [_fill(rng.choice(SHORT_REPLIES), rng) for _ in range(max(50, size // 4))]
    return pools
