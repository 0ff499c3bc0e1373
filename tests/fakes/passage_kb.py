"""A small knowledge base whose topics have real passages: for passage splitting and answering."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.knowledge import topic, write_kb

DATABASES_ANSWER = """\
Database management is designing, evolving and running the databases an application depends on, so
that data stays correct, fast to query and recoverable after mistakes. Backend engineers do most of
it themselves in small teams.

The core practices:
- **Schema design**: model entities and relationships with primary keys, foreign keys and constraints.
- **Migrations**: every schema change is a versioned script applied by a tool such as Flyway or Alembic.
- **Indexes** for the queries you actually run.

Good habits here prevent most late-night incidents: slow queries, locked tables and lost data.
"""

DATABASES_DETAILS = """\
**Indexes.** A B-tree index on (customer_id, created_at) serves "orders for a customer, newest
first" but not "orders created today" alone. Unused indexes cost writes and memory;
pg_stat_user_indexes shows which ones are never read.

**Safe migrations.** Adding a column with a default used to rewrite the whole table. Add it as
nullable, backfill in batches, then add the constraint; create indexes concurrently so writes keep
flowing.

**Replication.** Asynchronous replicas serve reads and take over when the primary fails; a read
right after a write may not see it yet, so read your own writes from the primary.
"""

SERVERS_ANSWER = """\
Server management is keeping the machines that run your software healthy, secure and up to date: the
operating system, the web server in front of your application, certificates, logs and monitoring.
Managed platforms do much of it for you, but every backend engineer should know what happens
underneath.

What to know:
- Linux basics: the shell, users and permissions, processes and services under systemd.
- A reverse proxy such as Nginx or Caddy in front of the application.
- Patching, firewalls and SSH keys instead of passwords.
"""

SERVERS_DETAILS = """\
**Hardening.** Disable password logins over SSH, allow only the ports you serve, and install
security updates automatically.

**Backups.** Take a full backup of the production database every night and keep the write-ahead log
for point-in-time recovery; copy both to another region and rehearse a restore every month, because
a backup nobody has restored is only a hope.

**Logs.** Ship logs off the machine with journald or a collector, and rotate them so a full disk
never takes the service down.
"""

SALARY_ANSWER = """\
Backend salaries vary enormously by **country and city, company type and level**, far more than by
programming language. Research your own market: levels.fyi and Glassdoor for company data, salary
surveys for broader ranges, and conversations with peers and recruiters.

Negotiating, in short:
- Almost always negotiate, politely; reasonable companies expect it.
- Avoid naming a number first when you can.
- Compare offers by total compensation: base, bonus, equity and benefits.
"""

SALARY_DETAILS = """\
**Equity explained.** RSUs at public companies are shares granted over a vesting schedule, commonly
four years with a one-year cliff. Stock options at startups are worth something only if the
company's value rises and you can sell.

**Raises at your current job.** Collect evidence of impact against your level's expectations and
raise the topic before the review cycle closes.
"""

SALARY_EXAMPLE = """\
Sam receives an offer: 80,000 base, mid-level. Sam asks for 90,000, and the company comes back with
87,000 plus a 5,000 sign-on bonus.
"""

LANGUAGE_ANSWER = """\
Your first language matters less than how well you learn it: HTTP, SQL, data modelling, testing and
debugging carry over to every stack, and most engineers switch languages during their career.

A quick map:
- **Python**: a gentle start, Django or FastAPI, strong in data and AI.
- **Java**: enterprises, banks and big tech; the most jobs in many markets.
- **Go**: cloud-native services and platform teams.
"""

LANGUAGE_DETAILS = """\
**A sensible default for most beginners** is Python or Java: both have large job markets, mature
frameworks and plenty of learning material. Choose Python for the gentlest start, Java if your local
market is enterprise-heavy.

**Pay by language** is a weak signal: level, company and location dominate salary.
"""


def passage_topics() -> list[dict[str, object]]:
    return [
        topic("database-management", title="Database management",
              aliases=["database administration"], keywords=["schema", "index", "migration"],
              questions=["what is database management", "how should I design my schema",
                         "why is my index not used", "how do I run migrations safely",
                         "how often should we back up the production database",
                         "what are read replicas"],
              answer=DATABASES_ANSWER, details=DATABASES_DETAILS,
              example="Renaming a column without downtime: add the new column, write to both, "
                      "backfill, switch reads, then drop the old one.",
              related=["server-management"]),
        topic("server-management", title="Server management", aliases=["sysadmin", "nginx"],
              keywords=["linux", "ssh", "patching"], answer=SERVERS_ANSWER, details=SERVERS_DETAILS,
              example="A minimal setup: Caddy in front of the app, systemd keeping it running, "
                      "and unattended upgrades installing security fixes.",
              related=["database-management"]),
        topic("salary-negotiation", title="Salary and negotiation", aliases=["salary", "negotiation"],
              keywords=["pay", "earn", "offer", "equity", "rsu", "rsus"],
              questions=["how much do backend developers earn", "how do I negotiate an offer",
                         "how do RSUs vest", "how do I ask for a raise", "what salary to ask for"],
              answer=SALARY_ANSWER,
              details=SALARY_DETAILS, example=SALARY_EXAMPLE, related=["choosing-a-language"]),
        topic("choosing-a-language", title="Choosing a backend language",
              aliases=["which language", "first language"], keywords=["language", "choose"],
              questions=["which language should I learn first", "java or python for a beginner",
                         "what is the best backend language", "python or java",
                         "does the language matter"],
              answer=LANGUAGE_ANSWER, details=LANGUAGE_DETAILS,
              example="Maya knows some JavaScript, picks Python with Django, and lands a job in "
                      "five months.",
              related=["java", "python"]),
        topic("java", title="Java for backend development", aliases=["java", "jvm"],
              answer="Java is one of the safest bets for a backend career: it runs on the JVM, "
                     "powers banks and big tech, and has thirty years of libraries.\n\n"
                     "Spring Boot is the framework most teams use.",
              details="**Modern Java.** Records, pattern matching and virtual threads make "
                      "today's Java far less verbose than its reputation.\n\n"
                      "**Spring Boot** gives you dependency injection, web endpoints and data "
                      "access with little configuration.",
              example="", related=["choosing-a-language"]),
        topic("python", title="Python for backend development", aliases=["python", "django"],
              answer="Python is one of the most popular backend languages thanks to its readable "
                     "syntax and enormous ecosystem.\n\nDjango and FastAPI are the main web "
                     "frameworks.",
              details="**The GIL.** CPython's global interpreter lock lets only one thread run "
                      "Python bytecode at a time; CPU-bound work goes to processes or task "
                      "queues.\n\n**Packaging.** Use uv or Poetry and pin your dependencies.",
              example="", related=["choosing-a-language"]),
        topic("docker", title="Docker and containers", aliases=["docker", "containers"],
              answer="Docker packages your application with its runtime and libraries into an "
                     "image, and runs that image as a container: an isolated process on the "
                     "host's kernel.",
              details="**How containers work.** Linux namespaces isolate what a container sees "
                      "and cgroups limit what it uses.\n\n**Writing a good Dockerfile:** start "
                      "from a slim base image and copy the dependency files first for caching.",
              example="", related=["kubernetes"]),
        topic("kubernetes", title="Kubernetes", aliases=["kubernetes", "k8s"],
              keywords=["pods", "pod", "probes", "cluster"],
              questions=["what is kubernetes", "do I need kubernetes", "why do my pods restart",
                         "what is a pod", "how do probes work"],
              answer="Kubernetes runs containers across a cluster of machines and keeps them "
                     "running the way you declared.",
              details="**Do you need it?** For a small project, no: a platform as a service is "
                      "simpler.\n\n**Probes.** A liveness probe restarts a stuck container; a "
                      "readiness probe keeps traffic away until the pod can serve.",
              example="", related=["docker"]),
    ]


SKILLS = [
    {"name": "Java", "aliases": ["openjdk"], "topic": "java"},
    {"name": "Python", "aliases": ["python3"], "topic": "python"},
    {"name": "Docker", "aliases": ["dockerfile", "containers"], "topic": "docker"},
    {"name": "Kubernetes", "aliases": ["k8s"], "topic": "kubernetes"},
    {"name": "PostgreSQL", "aliases": ["postgres"], "topic": "database-management"},
]


def write_passage_kb(root: Path) -> Path:
    return write_kb(root, passage_topics(), group="Backend", skills=SKILLS)
