"""Names and texts of the demo book (fictional people, clinics and tickets)."""

# fmt: off
TEAM_LEADS = ("Kimberly Ortiz", "Marcus Bell")
CSMS = (
    ("Holly Grant", TEAM_LEADS[0]), ("Jackie Moreno", TEAM_LEADS[0]),
    ("Beth Sullivan", TEAM_LEADS[0]), ("Krista Novak", TEAM_LEADS[0]),
    ("Daniel Reyes", TEAM_LEADS[1]), ("Priya Raman", TEAM_LEADS[1]),
    ("Tom Whitaker", TEAM_LEADS[1]), ("Alicia Chen", TEAM_LEADS[1]),
)
PREFIX = (
    "St. Mary's", "Blue Ridge", "Lakeside", "Summit", "Riverside", "Highland", "Pioneer",
    "Cedar Valley", "Mercy", "Northstar", "Evergreen", "Harbor", "Prairie", "Golden Gate",
    "Silver Lake", "Oak Park", "Bayview", "Granite", "Sunrise", "Meadowbrook", "Keystone",
    "Heritage", "Pinecrest", "Redwood", "Magnolia", "Liberty", "Crescent", "Valley View",
    "Willow Creek", "Clearwater", "Elmwood", "Fairview", "Brookside", "Stonebridge",
    "Maple Grove", "Horizon", "Unity", "Beacon", "Canyon", "Coastal",
)
KIND = (
    ("Medical Group", "Clinic"), ("Health Partners", "Health System"),
    ("Family Practice", "Clinic"), ("Dental Care", "Dental"), ("Orthopedics", "Specialty"),
    ("Home Health", "Home Health"), ("Behavioral Health", "Behavioral Health"),
    ("Surgery Center", "Surgery Center"), ("Pediatrics", "Clinic"),
    ("Health Plan", "Health Plan"), ("Rehabilitation", "Specialty"), ("Imaging", "Specialty"),
    ("Senior Living", "Senior Living"), ("Hospital", "Hospital"), ("Urgent Care", "Clinic"),
    ("Community Health", "Health System"),
)
CITY = (
    "Dayton", "Tulsa", "Boise", "Fresno", "Omaha", "Akron", "Reno", "Spokane", "Mobile",
    "Savannah", "Albany", "Toledo", "Madison", "Lubbock", "Durham", "Eugene", "Provo",
    "Tacoma", "Peoria", "Duluth",
)
FIRST = (
    "Maria", "James", "Linda", "Robert", "Patricia", "Michael", "Jennifer", "David", "Susan",
    "William", "Karen", "Joseph", "Nancy", "Thomas", "Lisa", "Carlos", "Aisha", "Mei", "Omar",
    "Grace", "Noah", "Fatima", "Luis", "Hannah", "Ethan", "Olivia",
)
LAST = (
    "Smith", "Johnson", "Garcia", "Martinez", "Brown", "Davis", "Lopez", "Wilson", "Anderson",
    "Thomas", "Taylor", "Moore", "Jackson", "Lee", "Nguyen", "Patel", "Kim", "O'Brien",
    "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker",
)
TITLES = (
    "Practice Administrator", "Compliance Officer", "HR Director", "Office Manager",
    "Director of Nursing", "Credentialing Coordinator", "Training Manager", "COO",
)
TICKET_SUBJECTS = (
    "Report download error", "SSO login fails for new users", "Course completion not recorded",
    "Certificate shows wrong date", "Bulk user upload rejected", "Integration sync delayed",
    "Custom report request", "Provider license expiry alerts missing",
    "Billing address change", "Module assignment not visible", "Password reset loop",
    "API token expired", "Data export times out", "Custom field mapping",
)
NOTE_BODIES = (
    "Quarterly business review held; admin happy with training completion rates.",
    "Left voicemail for the admin about renewal; no answer yet.",
    "Admin asked about the new credentialing dashboard; sent release notes.",
    "Discussed seat true-up; they are reducing staff this year.",
    "Escalated the report download issue with support; following up Friday.",
    "Sent onboarding refresher deck for new HR coordinator.",
    "Admin mentioned budget review in Q3; renewal may be delayed.",
    "Offered a training session on Learning & Compliance modules.",
)
PLANS = (("lms-core", "LMS Core"), ("lms-plus", "LMS Plus"), ("cred-soft", "CRED SOFT"))
# fmt: on
