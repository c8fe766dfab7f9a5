"""Hand-made actors table for data/actors.csv.

Each tuple: (actor_id, name, kind, affiliation, role, role_as_of, precision, source_id).
`role` is the position that matters for the course, as of `role_as_of`; `source_id`
names the source that shows the actor in that role. `aliases` lists other spellings
and the names the research timeline uses, so events can be linked to actors.
"""

ACTORS = [
    # id, name, kind, affiliation, role, as_of, precision, source, aliases
    ("moon-jae-in", "Moon Jae-in", "person", "ROK", "President of South Korea", "2018-04-27", "day", "panmunjom-declaration-text", ["Moon Jae-in"]),
    ("kim-jong-un", "Kim Jong Un", "person", "DPRK", "Chairman of the State Affairs Commission; leader of North Korea", "2018-04-27", "day", "panmunjom-declaration-text", ["Kim Jong Un"]),
    ("donald-trump", "Donald Trump", "person", "USA", "President of the United States", "2018-06-12", "day", "crs-in10916", ["Donald Trump"]),
    ("mike-pompeo", "Mike Pompeo", "person", "USA", "CIA Director (to 26 Apr 2018), then Secretary of State", "2018-05-09", "day", "axios-2018-05-09", ["Mike Pompeo"]),
    ("mike-pence", "Mike Pence", "person", "USA", "Vice President of the United States", "2018-05-24", "day", "fortune-2018-05-24", ["Mike Pence"]),
    ("kim-yo-jong", "Kim Yo Jong", "person", "DPRK", "Senior party official; Kim Jong Un's sister", "2018-02-09", "day", "dw-2018-02-09", ["Kim Yo Jong"]),
    ("kim-yong-nam", "Kim Yong Nam", "person", "DPRK", "President of the Presidium of the Supreme People's Assembly (nominal head of state)", "2018-02-09", "day", "dw-2018-02-09", ["Kim Yong Nam"]),
    ("kim-yong-chol", "Kim Yong Chol", "person", "DPRK", "Vice chairman of the WPK Central Committee (not foreign minister)", "2018-07-06", "day", "nknews-2018-07", ["Kim Yong Chol"]),
    ("kim-kye-gwan", "Kim Kye Gwan", "person", "DPRK", "First vice foreign minister", "2018-05-25", "day", "financialexpress-2018-05-25", ["Kim Kye Gwan"]),
    ("choe-son-hui", "Choe Son Hui", "person", "DPRK", "Vice foreign minister", "2018-05-24", "day", "fortune-2018-05-24", ["Choe Son Hui"]),
    ("ri-son-gwon", "Ri Son Gwon", "person", "DPRK", "Chairman of the Committee for the Peaceful Reunification of the Country", "2018-06-01", "day", "kyodo-2018-06-01", ["Ri Son Gwon"]),
    ("cho-myoung-gyon", "Cho Myoung-gyon", "person", "ROK", "Minister of Unification", "2018-06-01", "day", "kyodo-2018-06-01", ["Cho Myoung-gyon"]),
    ("chung-eui-yong", "Chung Eui-yong", "person", "ROK", "National Security Office director; special envoy to Pyongyang", "2018-03-05", "day", "ap-2018-03-08", ["Chung Eui-yong"]),
    ("suh-hoon", "Suh Hoon", "person", "ROK", "Director of the National Intelligence Service; special envoy", "2018-03-05", "day", "ap-2018-03-08", ["Suh Hoon"]),
    ("kim-do-gyun", "Kim Do-gyun", "person", "ROK", "Major General, ROK Army; chief delegate at general-level military talks", "2018-06-14", "day", "kbs-2018-06-14", ["Kim Do-gyun"]),
    ("an-ik-san", "An Ik-san", "person", "DPRK", "Lieutenant General, KPA; chief delegate at general-level military talks", "2018-06-14", "day", "kbs-2018-06-14", ["An Ik-san"]),
    ("xi-jinping", "Xi Jinping", "person", "CHN", "President of China", "2018-03-25", "day", "premiumtimes-2018-03-29", ["Xi Jinping"]),
    ("dprk-us-detainees-2018", "Kim Dong-chul, Tony Kim and Kim Hak-song", "group", "USA", "US citizens detained in North Korea, released 9 May 2018", "2018-05-09", "day", "axios-2018-05-09", ["Kim Dong-chul", "Tony Kim", "Kim Hak-song"]),
    ("dprk", "North Korea (DPRK)", "state", "DPRK", "State", "2018-01-01", "year", "crs-in10916", ["North Korea", "North Korea (Foreign Ministry/KCNA)"]),
    ("rok", "South Korea (ROK)", "state", "ROK", "State", "2018-01-01", "year", "crs-in10916", ["South Korea"]),
    ("usa", "United States", "state", "USA", "State", "1994-01-14", "day", "trilateral-statement-1994", ["United States", "United States (CTR)", "US Defense Department (CTR)"]),
    ("us-senate", "United States Senate", "organisation", "USA", "Gives advice and consent to treaties", "1992-10-01", "day", "state-2001-start-lisbon-npt", ["United States Senate"]),
    ("ussr", "Soviet Union", "state", "USSR", "State (dissolved 26 Dec 1991)", "1991-07-31", "day", "rada-1993-start-resolution", ["Soviet Union"]),
    ("russia", "Russia", "state", "RUS", "State; legal successor of the USSR's nuclear status", "1994-01-14", "day", "trilateral-statement-1994", ["Russia"]),
    ("ukraine", "Ukraine", "state", "UKR", "State", "1994-01-14", "day", "trilateral-statement-1994", ["Ukraine", "Ukrainian government"]),
    ("belarus", "Belarus", "state", "BLR", "State", "1992-05-23", "day", "wikipedia-lisbon-protocol", ["Belarus"]),
    ("kazakhstan", "Kazakhstan", "state", "KAZ", "State", "1992-05-23", "day", "wikipedia-lisbon-protocol", ["Kazakhstan"]),
    ("united-kingdom", "United Kingdom", "state", "GBR", "State; Budapest Memorandum signatory", "1994-12-05", "day", "wh-1996-06-01-fact-sheet", ["United Kingdom"]),
    ("wpk-central-committee", "Workers' Party of Korea Central Committee", "organisation", "DPRK", "Ruling party body", "2018-04-20", "day", "globaltimes-2018-04-21", ["Workers' Party of Korea Central Committee"]),
    ("nuclear-weapons-institute", "Nuclear Weapons Institute (DPRK)", "organisation", "DPRK", "Ran the Punggye-ri demolition", "2018-05-24", "day", "xinhua-2018-05-25", ["Nuclear Weapons Institute"]),
    ("rok-red-cross", "Korean Red Cross (South)", "organisation", "ROK", "Negotiates separated-family reunions", "2018-06-22", "day", "kfa-2018-06-red-cross", ["South Korean Red Cross"]),
    ("dprk-red-cross", "Red Cross Society of the DPRK", "organisation", "DPRK", "Negotiates separated-family reunions", "2018-06-22", "day", "kfa-2018-06-red-cross", ["North Korean Red Cross"]),
    ("sipri", "SIPRI", "organisation", "SWE", "Research institute publishing nuclear-force estimates", "2018-06-18", "day", "sipri-2018-06-18", ["SIPRI"]),
    ("verkhovna-rada", "Verkhovna Rada", "organisation", "UKR", "Parliament of Ukraine", "1993-11-18", "day", "cns-start2-chronology", ["Verkhovna Rada", "Verkhovna Rada of the Ukrainian SSR"]),
    ("ukrainian-voters", "Ukrainian voters", "group", "UKR", "Electorate in the 1991 referendum", "1991-12-01", "day", "ukrweekly-1991-12", ["Ukrainian voters"]),
    ("leonid-kravchuk", "Leonid Kravchuk", "person", "UKR", "President of Ukraine (1991-94)", "1994-01-14", "day", "trilateral-statement-1994", ["Leonid Kravchuk"]),
    ("leonid-kuchma", "Leonid Kuchma", "person", "UKR", "Prime Minister (1992-93), then President of Ukraine (from July 1994)", "1996-06-01", "day", "latimes-1996-06-02", ["Leonid Kuchma"]),
    ("boris-yeltsin", "Boris Yeltsin", "person", "RUS", "President of Russia", "1994-01-14", "day", "trilateral-statement-1994", ["Boris Yeltsin"]),
    ("bill-clinton", "Bill Clinton", "person", "USA", "President of the United States", "1994-01-14", "day", "trilateral-statement-1994", ["Bill Clinton"]),
    ("frank-wisner", "Frank Wisner", "person", "USA", "Under Secretary of State", "1992-10-02", "day", "mcnair-chronology", ["Frank Wisner"]),
    ("les-aspin", "Les Aspin", "person", "USA", "Secretary of Defense", "1993-07-27", "day", "chicagotribune-1993-07-28", ["Les Aspin"]),
    ("pavel-grachev", "Pavel Grachev", "person", "RUS", "Minister of Defence", "1993-06-06", "day", "baltimoresun-1993-06-06", ["Pavel Grachev"]),
    ("konstantin-morozov", "Konstantin Morozov", "person", "UKR", "Minister of Defence", "1993-07-27", "day", "chicagotribune-1993-07-28", ["Konstantin Morozov"]),
    ("warren-christopher", "Warren Christopher", "person", "USA", "Secretary of State", "1993-10-25", "day", "chicagotribune-1993-10-26", ["Warren Christopher"]),
    ("valeriy-shmarov", "Valeriy Shmarov", "person", "UKR", "Deputy Prime Minister, later Minister of Defence", "1996-01-05", "day", "jamestown-1996-01", ["Valeriy Shmarov"]),
    ("william-perry", "William Perry", "person", "USA", "Secretary of Defense", "1996-01-05", "day", "jamestown-1996-01", ["William Perry"]),
    ("liang-tuang-nah", "Liang Tuang Nah", "person", "SGP", "Research Fellow, IDSS, S. Rajaratnam School of International Studies; author of the article under study", "2018-06-01", "month", "eaf-2018-liang", []),
]
