"""The demo's conversations as they happened, their attachments and the long RFC."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable


ACCEPT, DECLINE = "<accept>", "<decline>"
LONG = "<the 20,000-character RFC>"


@dataclass
class Line:
    who: str  # "me", "them" (the first other member) or a handle in a group
    after: str  # delay after the previous line: "40m", "3h", "2d"; the first line: an instant
    text: str  # a body, or ACCEPT / DECLINE (a quick reply; ``reply`` overrides its text)
    reply: str | None = None
    attach: tuple[str, ...] = ()  # names of ATTACHMENTS (on a conversation's first message)
    recall_after: str | None = None  # this message is recalled that long after it was sent


@dataclass
class Story:
    others: tuple[str, ...]
    lines: list[Line]
    subject: str | None = None  # InMail
    read: bool = True  # "me" has read it to the end
    actions: tuple[str, ...] = ()  # moderation actions "me" applies at the end
    report: str | None = None  # reason "me" reports it with
    peers_read: bool = False  # the other side has read everything (for "Seen")
    draft: str | None = None  # a reply "me" left half-written (kept as the conversation's draft)


def line(who: str, after: str, text: str, **extra) -> Line:
    return Line(who, after, text, **extra)


def delay(text: str) -> timedelta:
    unit = text[-1]
    amount = int(text[:-1])
    return {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": timedelta(days=amount)}[unit]


def instant(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def direct(handle: str, *lines: Line, **options) -> Story:
    return Story((handle,), list(lines), **options)


def group(handles: str, *lines: Line, **options) -> Story:
    return Story(tuple(handles.split()), list(lines), **options)


def stories() -> list[Story]:
    """Every conversation of the demo, as it happened."""
    return [
        # -- colleagues at Northwind (connections: free messages, Focused)
        direct("tom-hartley",
               line("them", "2026-02-26 16:05", "Maya — finance signed off on Q2 headcount: two senior data engineers "
                    "and one SRE for your team. Can you get job descriptions to Lena by Friday?"),
               line("me", "40m", "That's great news, thank you for pushing it through. I'll draft both tonight and ask "
                    "Priya to review the data engineer one."),
               line("them", "1h", "Perfect. Let's also talk about the on-call load in our 1:1 — I don't want the new "
                    "hires landing in a pager storm."),
               line("me", "20m", "Agreed. I'll bring the last quarter's incident numbers."),
               actions=("star",), peers_read=True),
        direct("daniel-okafor",
               line("them", "2026-02-27 07:50", "Heads up: the nightly ingestion job failed again at 03:10. Same "
                    "schema drift on the orders feed. I've backfilled by hand, but we need the contract checks."),
               line("me", "25m", "Thanks Daniel. Can you write up a short postmortem? I'd like to propose the "
                    "contract checks at Thursday's architecture review."),
               line("them", "2h", "Draft is in the postmortems folder. Two action items for us, one for the orders "
                    "team."),
               line("me", "3h", "Read it — clear and blameless, nicely done. I'll take the cross-team item."),
               line("them", "1d", "Orders team agreed to version their schema from next sprint."),
               read=False, draft="Great outcome. Can we add the contract checks to the"),
        direct("priya-raman",
               line("them", "2026-02-23 11:30", LONG),
               line("me", "5h", "This is excellent, Priya. I'm halfway through; the cost model in section 6 is exactly "
                    "what Tom will ask about. Comments by Wednesday."),
               line("them", "1d", "Thanks! I also added an appendix on the rollback plan after Henrik's questions.")),
        direct("lena-fischer",
               line("them", "2026-02-25 13:10", "Hi Maya, attaching Grace Kim's résumé for the senior data engineer "
                    "loop. Aisha Bello referred her. Could you do the hiring manager screen this week?",
                    attach=("grace-kim-resume.pdf",)),
               line("me", "1h", "Strong background — Kafka and dbt at Tidewater's scale. Yes, Thursday 2pm works."),
               line("them", "30m", "Booked. I'll send the scorecard template with the invite."),
               actions=("star",), peers_read=True),
        direct("marcus-bell",
               line("them", "2026-01-06 09:00", "Weekly metrics: ingestion freshness 97.2% within SLA, 3 late "
                    "partitions, warehouse spend +4% week over week."),
               line("them", "7d", "Weekly metrics: freshness 98.1%, 1 late partition, spend flat."),
               line("them", "7d", "Weekly metrics: freshness 96.4% (orders feed), spend -2%."),
               line("me", "2h", "Thanks Marcus — I'm muting this thread and reading it on Mondays, no offence!"),
               line("them", "7d", "Weekly metrics: freshness 99.0%, no late partitions, spend -1%."),
               line("them", "7d", "Weekly metrics: freshness 98.7%, spend +1%. Roadmap review moved to the 12th."),
               actions=("mute",), read=False),
        direct("henrik-larsen",
               line("me", "2026-02-24 15:02", "Can you approve the budget line for the new Kafka brokers before the "
                    "finance cut-off?", recall_after="4m"),
               line("me", "6m", "Sorry, that was meant for Tom. While I have you: could you review the failover "
                    "runbook for the warehouse before Friday?"),
               line("them", "2h", "No problem. I'll dry-run it in staging tomorrow morning my time."),
               peers_read=True),
        direct("rebecca-shaw",
               line("them", "2026-02-10 10:00", "Reminder: calibration for the performance cycle is on the 18th. "
                    "Please have your team's summaries in the tool by the 16th."),
               line("me", "3h", "Will do. Two promotion cases this cycle: Priya to Staff, Fatima to Engineer II."),
               line("them", "1h", "Noted — please attach the promotion packets too."),
               actions=("archive",)),
        direct("fatima-zahra",
               line("them", "2026-02-28 17:45", "Hi Maya! First month done. Could we use our next 1:1 to talk "
                    "about the on-call shadowing plan? I'd like to join the rotation in April."),
               read=False),
        # -- former colleagues and friends
        direct("sofia-alvarez",
               line("them", "2026-02-12 19:20", "Maya! It's been too long. We're building a clinical data platform "
                    "team at Halcyon and I keep thinking of you. Open to a conversation, no pressure?"),
               line("me", "1d", "Sofía, so good to hear from you! I'm happy at Northwind, but I'd love to hear what "
                    "you're building. Coffee next time you're in Seattle?"),
               line("them", "2h", "Deal — I'm there on March 10th. I'll also send you the role description, just in "
                    "case."),
               line("them", "13d", "Here it is: Director, Clinical Data Platform. Reports to me, team of 14 across "
                    "Austin and Denver."),
               read=False),
        direct("kwame-mensah",
               line("me", "2025-12-03 12:00", "Kwame, congrats on the new role at Halcyon! How are you finding "
                    "clinical data after ad tech?"),
               line("them", "4h", "Thank you! Slower release cycles, much higher stakes. HIPAA reviews are a whole "
                    "new skill."),
               line("me", "1d", "Ha, I can imagine. If you ever want to compare notes on data contracts, ping me.")),
        direct("laura-becker",
               line("them", "2025-11-14 09:40", "Quick architecture question: did you end up using Iceberg or Delta "
                    "for the lakehouse migration? We're at the same fork in the road."),
               line("me", "5h", "Iceberg — mainly for engine neutrality. Happy to share our evaluation doc."),
               line("them", "1h", "That would be wonderful, thank you."),
               actions=("archive",)),
        direct("amara-nwosu",
               line("them", "2026-01-22 14:15", "Hi Maya — would you be open to an intro to our Head of Data? She's "
                    "evaluating data observability tools and I know you went through that last year."),
               line("me", "2h", "Of course, happy to. Send over a short intro and I'll take it from there.")),
        direct("peter-ng",
               line("them", "2026-02-18 20:05", "Hi Maya, I'm interviewing for a lead role at Meridian and they asked "
                    "for a reference from a former manager. Would you be willing?"),
               line("me", "14h", "Absolutely, Peter. You'd be great in a lead role. Share the recruiter's email."),
               line("them", "1h", "Thank you so much! It's Dana Whitfield, dana.whitfield@meridianfreight.example.")),
        direct("lucas-moreau",
               line("them", "2026-01-30 08:30", "Bonjour Maya, I saw your talk on data contracts. I maintain a small "
                    "open-source schema registry — would Northwind be interested in trying it?"),
               line("me", "6h", "Merci Lucas! Send me the repo; Daniel on my team has been looking for exactly that.")),
        direct("yuki-sato",
               line("them", "2026-02-05 18:00", "Fernhill alum here (class of '15). Loved your DataConf talk. Any "
                    "chance you'd share the slides?"),
               line("me", "1d", "Always nice to meet a Fernhill alum! Slides are on the DataConf site; the recording "
                    "goes up next week."),
               peers_read=True),
        # -- alumni
        direct("alan-harris",
               line("them", "2026-01-15 13:00", "Dear Maya, would you give a guest lecture in my distributed systems "
                    "course this spring? Students would love to hear how these ideas work in industry."),
               line("me", "1d", "Professor Harris, I'd be honoured. Would April work? I could talk about exactly-once "
                    "delivery in practice."),
               line("them", "3h", "April 14th is ideal. Thank you — I'll send the details."),
               actions=("star",)),
        direct("zoe-martin",
               line("them", "2025-10-02 10:00", "Hello from Fernhill Alumni Relations! Our 10-year reunion for the "
                    "class of 2016 is on November 8th. We'd love to see you there."),
               line("me", "2d", "Thanks Zoe — I've registered. Looking forward to it."),
               actions=("archive",)),
        direct("ryan-murphy",
               line("them", "2026-02-20 12:40", "Maya! Ryan from Fernhill — I'm in Seattle next week for a design "
                    "conference. Coffee on Tuesday?"),
               line("me", "2h", "Yes! Tuesday 8:30 at Storyville in Pike Place?"),
               line("them", "30m", "See you there.")),
        direct("kevin-osei",
               line("them", "2026-03-01 21:10", "Hi Maya, thanks again for mentoring me. I have an offer from "
                    "Meridian for a data engineer role and a counter from my current team. Could I get your take on "
                    "how to weigh growth against pay?"),
               read=False),
        # -- conference follow-ups
        direct("raj-patel",
               line("me", "2025-10-20 09:15", "Raj, great meeting you at DataConf Chicago. As promised, here's the "
                    "paper on streaming joins I mentioned."),
               line("them", "3h", "Thank you! Our team read it on Friday. Would you be up for a joint talk next "
                    "year?"),
               line("me", "1d", "I'd love that. Let's sync in January.")),
        direct("isabel-santos",
               line("them", "2026-02-27 15:30", "Maya, lovely to meet you at QCon. You mentioned you were hiring "
                    "risk-aware data engineers — one of my best engineers is relocating to Seattle. Can I introduce "
                    "you?"),
               read=False),
        direct("david-levi",
               line("them", "2026-02-28 11:00", "Thanks for moderating our panel. Several people asked about your "
                    "'data as a product' framework; would you write a guest post for our engineering blog?"),
               read=False),
        direct("hana-kowalski",
               line("me", "2026-01-12 10:00", "Hana, your talk on ledger consistency was the best of the conference. "
                    "Is the recording online?"),
               line("them", "5h", "Thank you, Maya! Not yet — the organisers promised it by the end of the month.")),
        direct("noah-fitzgerald",
               line("them", "2025-12-09 16:20", "Hi Maya, following up from PlatformCon: you asked how we run "
                    "on-call for data pipelines. Short version: follow-the-sun with a weekly data quality review."),
               line("me", "1d", "Thank you Noah, that's really useful. We're redesigning our rotation now."),
               line("them", "2h", "Happy to share our runbook template if it helps.")),
        direct("tasha-williams",
               line("them", "2026-02-16 09:00", "Congratulations, your DataConf 2026 talk was accepted! The speaker "
                    "agenda is attached; please confirm your slot by March 6th.",
                    attach=("dataconf-2026-speaker-agenda.txt",)),
               line("me", "4h", "Wonderful news, thank you Tasha. Confirmed for the Thursday afternoon slot."),
               actions=("star",)),
        # -- partnerships, investors, hiring managers
        direct("oliver-grant",
               line("them", "2026-01-19 17:30", "Maya, we're looking at data observability startups. Would you spare "
                    "30 minutes to tell us what actually matters to a buyer like you?"),
               line("me", "1d", "Happy to help. Honest answer up front: fewer alerts, better lineage."),
               line("them", "1h", "That's exactly what we need to hear. My assistant will find a time.")),
        direct("carlos-mendes",
               line("them", "2026-02-03 10:10", "We'd like to pilot your team's demand-forecast feed at Vantage. "
                    "Could we set up a joint working session in February?"),
               line("me", "1d", "Let's do it. I'll bring Marcus from product and someone from our data contracts "
                    "work."),
               line("them", "4h", "Great — I'll send an NDA first.")),
        direct("diego-ramirez",
               line("them", "2026-02-21 19:00", "Hi Maya, the Seattle-Twin Cities analytics meetup is looking for a "
                    "March speaker. Remote is fine!"),
               line("me", "1d", "I can do a 20-minute remote talk on the 24th of March."),
               actions=("archive",)),
        direct("sam-oconnell",
               line("them", "2025-11-03 08:00", "Maya, Sam from Orchard Labs here. We'd love you as an advisor on our "
                    "data platform — a few hours a month, equity only."),
               line("me", "2d", "Thank you Sam, I'm flattered. Let me check with Northwind's conflict-of-interest "
                    "policy first."),
               line("them", "1d", "Of course. No rush at all."),
               actions=("archive",)),
        direct("olivia-reed",
               line("them", "2026-02-19 13:00", "Hi Maya — I'm hiring a Head of Data Platform at Orchard Labs and "
                    "Sam says you're the person to ask. Do you know anyone great who might be looking?"),
               line("me", "1d", "Two names come to mind; let me ask them first and I'll get back to you.")),
        direct("marta-silva",
               line("them", "2026-01-08 11:45", "Happy new year, Maya! Several Larkspur portfolio companies are "
                    "hiring data leaders. Can I add you to our quarterly talent newsletter?"),
               line("me", "3h", "Sure, thanks Marta.")),
        direct("george-adams",
               line("them", "2026-02-11 16:00", "Maya, Summit Cloud is launching a partner programme for data "
                    "platforms. Could we explore an integration with Northwind's pipeline tooling?"),
               line("me", "1d", "Interesting. Send me the technical overview and I'll get Daniel to look.")),
        direct("aisha-bello",
               line("them", "2026-02-22 10:30", "Hi Maya, I've referred Grace Kim for your senior data engineer role "
                    "— she's one of the strongest engineers I've worked with."),
               line("me", "2h", "Thank you Aisha! Lena just sent her résumé over; we're screening this week.")),
        # -- groups (connections only)
        group("tom-hartley daniel-okafor priya-raman marcus-bell",
              line("me", "2026-02-27 10:00", "Platform offsite: agenda attached. Please add anything missing by "
                   "Wednesday.", attach=("platform-offsite-agenda.txt",)),
              line("daniel-okafor", "1h", "Can we give the contract checks 45 minutes instead of 30?"),
              line("priya-raman", "30m", "+1, and I'd like 15 minutes for the Iceberg migration status."),
              line("tom-hartley", "2h", "Fine by me. I'll book the room on the 5th floor."),
              line("marcus-bell", "1d", "Roadmap slides will be ready Tuesday."),
              read=False),
        group("alan-harris zoe-martin ryan-murphy kevin-osei",
              line("me", "2026-01-20 18:00", "Fernhill CS alumni panel: thanks for "
                   "agreeing to join! Shall we meet on a call next week to plan?"),
              line("alan-harris", "3h", "Delighted. Wednesday afternoons work for me."),
              line("zoe-martin", "1h", "I'll set up the call and the room booking."),
              line("ryan-murphy", "4h", "Count me in."),
              line("kevin-osei", "2h", "Thank you for including me!"),
              actions=("mute",)),
        group("raj-patel tasha-williams david-levi",
              line("me", "2026-02-17 09:30", "DataConf speakers' dinner: Wednesday at 7pm? I'll book somewhere near "
                   "the venue."),
              line("tasha-williams", "2h", "Wednesday is perfect."),
              line("david-levi", "1h", "I'm in. No shellfish for me, please."),
              line("raj-patel", "3h", "Great idea, see you there.")),
        group("lena-fischer priya-raman daniel-okafor",
              line("me", "2026-02-26 09:00", "Interview loop for Grace Kim on Thursday: "
                   "Priya on system design, Daniel on coding, I'll do the hiring manager screen."),
              line("lena-fischer", "30m", "Scorecards are in the tool. Please submit feedback within 24 hours."),
              line("priya-raman", "1h", "Got it.")),
        group("oliver-grant carlos-mendes george-adams",
              line("me", "2026-01-28 12:00", "Seattle data leaders dinner on February 12th — are you all still in?"),
              line("oliver-grant", "2h", "Yes, and Larkspur is happy to host."),
              line("carlos-mendes", "1h", "Flying in that morning, so yes."),
              line("george-adams", "5h", "Wouldn't miss it."),
              actions=("archive",)),
        group("daniel-okafor lucas-moreau noah-fitzgerald",
              line("me", "2026-02-02 16:00", "Starting a small data contracts working group across our companies: "
                   "one call a month, shared notes, no vendors. Interested?"),
              line("lucas-moreau", "2h", "Yes! I can bring the schema registry folks."),
              line("noah-fitzgerald", "3h", "Count Tidewater in."),
              line("daniel-okafor", "1h", "I'll draft the first agenda.")),
        group("kevin-osei peter-ng fatima-zahra",
              line("me", "2026-02-14 12:00", "Mentoring circle: this month's topic is writing design docs people "
                   "actually read. Bring one doc you're proud of and one you're not."),
              line("fatima-zahra", "1h", "Love this topic."),
              line("kevin-osei", "2h", "I have a perfect bad example, ha."),
              read=False),
        group("sofia-alvarez kwame-mensah laura-becker amara-nwosu",
              line("sofia-alvarez", "2026-01-09 19:00", "Halcyon reunion dinner while Maya is in Austin in April? "
                   "I'll book Odd Duck."),
              line("amara-nwosu", "1h", "Yes please!"),
              line("me", "2h", "I'd love that — April 16th works for me."),
              line("laura-becker", "3h", "I'm in."),
              line("kwame-mensah", "1d", "Same. Looking forward to it.")),
        direct("mateo-garcia",
               line("them", "2026-02-24 09:10", "Hi Maya, I lead a platform team at Keystone Biotech and I'm thinking "
                    "about moving into data infrastructure. Would you have 20 minutes for a chat?"),
               line("me", "5h", "Hi Mateo, happy to. Send me two times that work next week."),
               line("them", "1h", "Thank you! Tuesday 10am or Wednesday 3pm Pacific?")),
        # -- InMail to "me", before Open Profile was on
        direct("rachel-stein",
               line("them", "2026-01-26 15:00", "Hi Maya, I'm leading a search for a Director of Data Platform at a "
                    "Series C fintech in Seattle — hybrid, strong equity. Your work on data contracts stood out. Would "
                    "you be open to a confidential chat?"),
               line("me", "1d", ACCEPT, reply="Yes, interested — happy to hear more, though I'm not actively looking."),
               line("them", "3h", "Wonderful. How is Thursday at 4pm Pacific?"),
               line("me", "2h", "Thursday works."),
               subject="Director of Data Platform — Series C fintech"),
        direct("victor-nguyen",
               line("them", "2026-02-02 11:20", "Maya, a stealth AI startup is looking for a founding engineering "
                    "manager. Seed funded, top investors. Interested?"),
               line("me", "6h", DECLINE),
               subject="Founding Engineering Manager — stealth AI startup"),
        direct("jonas-weber",
               line("them", "2026-02-09 08:15", "Hi Maya, teams like yours cut pipeline incidents by 40% with "
                    "Quillstone's data observability. Could I show you a 20-minute demo?"),
               line("me", "1d", "Thanks Jonas — we're under contract with another vendor until Q3. Reach out in "
                    "June and I'll take a look."),
               line("them", "2h", "Appreciate the honest answer. I'll be in touch in June."),
               subject="Cutting pipeline incidents by 40% at Northwind"),
        direct("ben-carter",
               line("them", "2026-02-16 17:00", "Hi Maya, Summit Cloud's new managed Kafka tier could halve your "
                    "broker costs. Open to a quick call next week?"),
               subject="Halving your Kafka costs", read=False),
        direct("nate-romero",
               line("them", "2026-02-18 09:45", "Maya, I run partnerships at Quillstone. We'd love Northwind as a "
                    "design partner for our lineage product — early access and a say in the roadmap."),
               subject="Design partnership: data lineage", read=False),
        direct("ines-duarte",
               line("them", "2025-10-20 14:00", "Dear Maya, Larkspur is researching the data infrastructure market. "
                    "Would you take a paid one-hour expert call?"),
               subject="Paid expert call: data infrastructure", read=False),
        # -- InMail from "me" to people outside the network
        direct("grace-kim",
               line("me", "2026-02-10 10:00", "Hi Grace, Aisha Bello speaks very highly of you. I'm hiring senior data "
                    "engineers for Northwind's platform team and would love to tell you about it."),
               line("them", "5h", ACCEPT, reply="Yes, interested! Aisha mentioned you would reach out."),
               line("me", "1h", "Thank you Grace. Lena from our recruiting team will reach out to schedule."),
               subject="Senior Data Engineer, Northwind Analytics"),
        direct("mei-tanaka",
               line("me", "2026-01-14 16:00", "Hi Mei, your work on feature stores at Orchard caught my eye. We're "
                    "building an ML platform team — could we talk?"),
               line("them", "2d", DECLINE, reply="No thanks — I'm very happy at Orchard, but thank you for thinking "
                    "of me."),
               subject="ML platform team at Northwind"),
        direct("emily-zhang",
               line("me", "2025-12-01 09:30", "Hi Emily, Raj tells me you built Meridian's dbt practice from scratch. "
                    "Would you share what you learned with my team over a call?"),
               line("them", "1d", "Hi Maya! Happy to — I can do a 45-minute session in the second week of "
                    "December."),
               line("me", "2h", "Perfect, thank you. I'll send an invite for the 10th."),
               subject="Learning from Meridian's dbt rollout"),
        direct("hannah-cole",
               line("me", "2025-12-15 13:00", "Hi Hannah, Sofía suggested I reach out: we're starting a forecasting "
                    "guild across companies in the Northwest. Would you join as a speaker?"),
               line("them", "2d", ACCEPT),
               line("me", "3h", "Wonderful! First session is January 20th, remote."),
               subject="Forecasting guild — speaker invitation"),
        direct("chloe-evans",
               line("me", "2025-11-05 11:00", "Hi Chloe, I read your piece on data strategy for mid-size retailers. "
                    "Would you be open to a short call about consulting support for Northwind?"),
               subject="Data strategy consulting for Northwind"),
        direct("ana-costa",
               line("me", "2026-02-24 18:30", "Hi Ana, David Levi mentioned your ledger systems work. We have a staff "
                    "engineer opening on our platform team, remote-friendly within Europe time zones. Interested?"),
               subject="Staff Engineer, Data Platform (remote, Europe)"),
        direct("farah-haddad",
               line("me", "2026-03-01 15:00", "Hi Farah, your bioinformatics pipelines talk was brilliant. We're "
                    "hiring for a data platform role that could be a great fit — open to a chat?"),
               subject="Data platform role at Northwind"),
        # -- Open Profile messages (strangers, free, land in Other)
        direct("claire-dubois",
               line("them", "2026-02-23 08:00", "Bonjour Maya, I'm a solutions engineer at Quillstone. Would you like "
                    "a technical deep dive on our lineage engine? No sales pitch, promise."),
               read=False),
        direct("liam-walsh",
               line("them", "2026-02-21 10:30", "Hi Maya, Ridgeline helps data teams build their operating model. "
                    "Would a short benchmark of your team's practices be useful?"),
               line("me", "1d", "Thanks Liam, not right now, but I'll keep Ridgeline in mind.")),
        direct("julia-novak",
               line("them", "2026-02-25 20:15", "Hi Maya, I'm a data analyst thinking about moving into data "
                    "engineering. Your posts have helped a lot. Could I ask what you look for in junior hires?"),
               line("me", "1d", "Hi Julia! SQL you can reason about, curiosity about where data comes from, and one "
                    "project you can explain end to end. Happy to review your portfolio."),
               line("them", "3h", "Thank you so much, this is really kind!")),
        direct("nina-petrova",
               line("them", "2026-02-26 14:00", "Hi Maya! I organise Summit Cloud's Toronto data meetup. Would you "
                    "give a remote talk in April? Any topic on data contracts would be amazing."),
               read=False),
        direct("ethan-brooks",
               line("them", "2026-02-22 16:45", "Hi Maya, platform leader to platform leader: how did you get "
                    "engineering teams to adopt data contracts without a mandate? We're struggling at Keystone."),
               line("me", "1d", "Short answer: we made the contract the fastest path to production. Happy to do a "
                    "call.")),
        direct("tyler-moss",
               line("them", "2026-02-28 13:20", "Hey Maya — I built a tool that auto-writes your team's job posts. "
                    "See the 2-minute demo at https://pipelinepro.example/demo?ref=maya and tell me what you think!"),
               read=False),
        direct("jordan-blake",
               line("them", "2026-02-27 22:10", "Congratulations Maya, you've been shortlisted for a remote Head of "
                    "Data role paying $450k in USDT. Verify your identity at "
                    "https://apex-global-careers.example/verify "
                    "within 24 hours to secure your interview."),
               report="scam or fraud"),
    ]


# ---------------------------------------------------------------- attachments and long text


def _resume_pdf() -> bytes:
    """A small, valid one-page PDF résumé."""
    lines = ["Grace Kim", "Software Engineer II, Tidewater Energy", "Houston, Texas",
             "Experience: Kafka, dbt, Airflow, Python, Go", "Built the sensor ingestion platform (4 TB/day)",
             "B.S. Computer Science, University of Houston"]
    text = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(
        f"({s}) '" for s in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


OFFSITE_AGENDA = """Platform team offsite — agenda
Thursday, March 12 · 5th floor, Lake Union room

09:00  Coffee and the year so far (Maya)
09:30  Data contracts: where they hold and where they leak (Daniel)
10:15  Iceberg migration status and cost model (Priya)
11:00  Break
11:15  Roadmap for Q2 and Q3 (Marcus)
12:00  Lunch
13:00  On-call: load, tooling, and the new rotation (Henrik, remote)
14:00  Hiring plan: two senior data engineers, one SRE (Maya, Lena)
15:00  Retro and commitments
"""

SPEAKER_AGENDA = """DataConf 2026 — speaker agenda (Chicago, May 13-14)

Wednesday May 13
  08:30  Speaker check-in and A/V test, Hall B
  10:00  Keynote
  13:30  Track talks, 30 minutes each plus 10 minutes of questions

Thursday May 14
  14:00  Maya Chen — Data contracts at the speed of product teams
  19:00  Speakers' dinner

Please send slides (16:9) by May 6. Questions: speakers@dataconf.example
"""

ATTACHMENTS: dict[str, Callable[[], tuple[bytes, str]]] = {
    "grace-kim-resume.pdf": lambda: (_resume_pdf(), "application/pdf"),
    "platform-offsite-agenda.txt": lambda: (OFFSITE_AGENDA.encode(), "text/plain"),
    "dataconf-2026-speaker-agenda.txt": lambda: (SPEAKER_AGENDA.encode(), "text/plain"),
}

LONG_MESSAGE_LENGTH = 20_000
RFC_SECTIONS = (
    ("Context", "Our warehouse has grown from 40 TB to 310 TB in two years. Nightly batch jobs now overlap with "
     "business hours, and three of the last five incidents came from partitions landing late."),
    ("Goals", "Move the core fact tables to Apache Iceberg, keep every existing dashboard working during the "
     "migration, and cut the nightly window from seven hours to under three."),
    ("Non-goals", "We are not changing the orchestration layer, the BI tool or the access model in this project. "
     "Each of those deserves its own proposal."),
    ("Design", "Writers commit through a single catalog service. Readers see snapshot-isolated tables, so a late "
     "partition no longer blocks the whole nightly run; it simply lands in a later snapshot."),
    ("Migration plan", "We migrate table by table, starting with the three largest fact tables. Each table runs "
     "dual-write for two weeks while we compare row counts and checksums every night."),
    ("Cost model", "Storage grows by about 8% during dual-write and then drops 20% below today thanks to "
     "compaction. Compute for the nightly run falls by roughly a third."),
    ("Risks", "Catalog availability becomes critical. We mitigate with a replicated catalog, a read-only fallback "
     "mode, and an on-call runbook rehearsed in staging before the first cut-over."),
    ("Rollback", "Until dual-write ends for a table we can point readers back at the old table with one "
     "configuration change. After that, snapshots give us point-in-time recovery for thirty days."),
    ("Open questions", "Do we expire snapshots after seven or thirty days? Who owns the catalog service long "
     "term? Should streaming writers join in phase one or wait for phase two?"),
)


def long_message(rng: random.Random) -> str:
    """Priya's migration RFC: 20,000 characters of plausible design prose."""
    parts = ["Lakehouse migration RFC (draft 3) — comments welcome before Wednesday's review.\n"]
    number = 0
    while sum(len(p) for p in parts) < LONG_MESSAGE_LENGTH:
        number += 1
        title, text = RFC_SECTIONS[(number - 1) % len(RFC_SECTIONS)]
        detail = rng.choice(RFC_SECTIONS)[1]
        parts.append(f"\n{number}. {title}\n{text} {detail}\n")
    body = "".join(parts)[: LONG_MESSAGE_LENGTH - 1].rstrip()
    return body.ljust(LONG_MESSAGE_LENGTH - 1, ".") + "."
