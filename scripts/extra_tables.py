"""Tables compiled by hand from the research notes (timeline.csv, quantities.csv,
discrepancies.md), each row naming its source. See import_research.py."""

# (event_id, date, precision, case, title, description, location, source_id, confidence, notes, actors)
EXTRA_EVENTS = [
    ("UKR-29", "1994-03-06", "day", "ukraine", "First trainload of warheads reaches Russia",
     "The first trainload of Ukrainian strategic warheads, 60 in all, arrives in Russia for dismantlement under the Trilateral Statement.",
     "Ukraine to Russia", "sunsentinel-1994-03-07", "high",
     "Russian Defence Ministry spokesman, reported 7 March 1994; the train crossed the border on Sunday 6 March (CSM/Itar-Tass).",
     ["ukraine", "russia"]),
    ("ART-01", "2018-06-01", "month", "context", "The article under study is published",
     "East Asia Forum publishes Liang Tuang Nah's 'Inter-Korean cooperation key for progress on the Peninsula'.",
     "East Asia Forum (online)", "eaf-2018-liang", "low",
     "Exact publication date not found. Internal evidence (the 14 June photo; Pompeo's 6-7 July visit still ahead) places the writing between 14 June and 6 July 2018.",
     ["liang-tuang-nah"]),
]

# (meeting_id, date, precision, side_a, side_b, lead_a, lead_b, channel, formal, status, location, event_id, source_id, notes)
MEETINGS = [
    ("M18-01", "2018-01-09", "day", "ROK", "DPRK", "cho-myoung-gyon", "ri-son-gwon", "ministerial", "true", "held", "Peace House, Panmunjom", "KOR-02", "rferl-2018-01-09", "First high-level talks since December 2015."),
    ("M18-02", "2018-02-09", "day", "ROK", "DPRK", "moon-jae-in", "kim-yo-jong", "envoy", "false", "held", "Pyeongchang", "KOR-03", "dw-2018-02-09", "Kim Yo Jong led the North's Olympic delegation; a handshake at the opening ceremony, not a negotiation."),
    ("M18-03", "2018-03-05", "day", "ROK", "DPRK", "chung-eui-yong", "kim-jong-un", "envoy", "true", "held", "Pyongyang", "KOR-04", "ap-2018-03-08", "Special envoys; summit agreed in principle."),
    ("M18-04", "2018-03-08", "day", "ROK", "USA", "chung-eui-yong", "donald-trump", "envoy", "true", "held", "White House, Washington", "KOR-05", "ap-2018-03-08", "Chung relays Kim's invitation; Trump accepts."),
    ("M18-05", "2018-03-25", "day", "DPRK", "CHN", "kim-jong-un", "xi-jinping", "summit", "true", "held", "Beijing", "CTX-07", "premiumtimes-2018-03-29", "Unannounced four-day visit; start date inferred."),
    ("M18-06", "2018-03-29", "day", "ROK", "DPRK", "cho-myoung-gyon", "ri-son-gwon", "ministerial", "true", "held", "Tongilgak, Panmunjom", "KOR-06", "koreaherald-2018-03-29", "Fixes 27 April for the summit."),
    ("M18-07", "2018-04-01", "day", "USA", "DPRK", "mike-pompeo", "kim-jong-un", "envoy", "false", "held", "Pyongyang", "KOR-07", "straitstimes-2018-04-18", "Secret visit by the CIA director over Easter weekend (31 Mar-1 Apr); exact day not reported."),
    ("M18-08", "2018-04-27", "day", "ROK", "DPRK", "moon-jae-in", "kim-jong-un", "summit", "true", "held", "Peace House, Panmunjom", "KOR-09", "panmunjom-declaration-text", "Panmunjom Declaration signed."),
    ("M18-09", "2018-05-09", "day", "USA", "DPRK", "mike-pompeo", "kim-jong-un", "envoy", "true", "held", "Pyongyang", "KOR-10", "axios-2018-05-09", "Pompeo now Secretary of State; three detained Americans released."),
    ("M18-10", "2018-05-16", "day", "ROK", "DPRK", "cho-myoung-gyon", "ri-son-gwon", "ministerial", "true", "cancelled", "Panmunjom", "KOR-13", "kbs-2018-05-16", "Called off by the North hours before, over the Max Thunder drills; held on 1 June instead."),
    ("M18-11", "2018-05-22", "day", "ROK", "USA", "moon-jae-in", "donald-trump", "summit", "true", "held", "White House, Washington", "KOR-14", "dailybeast-2018-05", "Date inferred from reports of Moon's return on 24 May."),
    ("M18-12", "2018-05-24", "day", "DPRK", "USA", "choe-son-hui", "mike-pence", "statement", "true", "held", "KCNA, Pyongyang", "KOR-15", "fortune-2018-05-24", "Public statement addressed to the US through state media, not a meeting."),
    ("M18-13", "2018-05-24", "day", "USA", "DPRK", "donald-trump", "kim-jong-un", "letter", "true", "held", "Washington", "KOR-17", "suntimes-2018-05-24", "Open letter cancelling the summit; released morning of 24 May Washington time."),
    ("M18-14", "2018-05-25", "day", "DPRK", "USA", "kim-kye-gwan", "donald-trump", "statement", "true", "held", "KCNA, Pyongyang", "KOR-18", "financialexpress-2018-05-25", "Conciliatory public statement; Trump called it 'warm and productive'."),
    ("M18-15", "2018-05-25", "day", "DPRK", "ROK", "kim-jong-un", "moon-jae-in", "letter", "false", "held", "inter-Korean channel", "KOR-19", "koreanet-2018-05-27", "Kim's request to meet 'without any formality', relayed through the inter-Korean channel; coded with letters as a relayed message."),
    ("M18-16", "2018-05-26", "day", "ROK", "DPRK", "moon-jae-in", "kim-jong-un", "summit", "false", "held", "Tongilgak, Panmunjom", "KOR-20", "mofa-2018-05-26-outcome", "Unannounced, about two hours, arranged within a day of Kim's request."),
    ("M18-17", "2018-05-30", "day", "USA", "DPRK", "mike-pompeo", "kim-yong-chol", "ministerial", "true", "held", "New York", "KOR-22", "dpa-2018-06-02", "Two days (30-31 May). Working-level teams also met at Panmunjom and in Singapore (discrepancies item 7; no row of their own)."),
    ("M18-18", "2018-06-01", "day", "DPRK", "USA", "kim-yong-chol", "donald-trump", "envoy", "true", "held", "White House, Washington", "KOR-24", "washtimes-2018-06-01", "Delivers Kim's letter; Trump says the summit is back on."),
    ("M18-19", "2018-06-01", "day", "ROK", "DPRK", "cho-myoung-gyon", "ri-son-gwon", "ministerial", "true", "held", "Peace House, Panmunjom", "KOR-23", "kyodo-2018-06-01", "Replaces the talks cancelled on 16 May; schedules military, sports and Red Cross talks."),
    ("M18-20", "2018-06-12", "day", "USA", "DPRK", "donald-trump", "kim-jong-un", "summit", "true", "held", "Capella Hotel, Sentosa, Singapore", "KOR-25", "crs-in10916", "Joint statement in four points."),
    ("M18-21", "2018-06-14", "day", "ROK", "DPRK", "kim-do-gyun", "an-ik-san", "military", "true", "held", "Tongilgak, Panmunjom", "KOR-27", "kbs-2018-06-14", "General-level talks; five delegates a side."),
    ("M18-22", "2018-06-22", "day", "ROK", "DPRK", "rok-red-cross", "dprk-red-cross", "working-level", "true", "held", "Mount Kumgang", "KOR-28", "kfa-2018-06-red-cross", "Agree reunions of separated families around 15 August."),
    ("M18-23", "2018-07-06", "day", "USA", "DPRK", "mike-pompeo", "kim-yong-chol", "ministerial", "true", "held", "Pyongyang", "KOR-29", "nknews-2018-07", "Two days (6-7 July); no meeting with Kim Jong Un."),
    ("M18-24", "2018-07-31", "day", "ROK", "DPRK", "kim-do-gyun", "an-ik-san", "military", "true", "held", "Peace House, Panmunjom", "KOR-30", "koreaherald-2018-07-31", "Second round of general-level talks."),
    ("M18-25", "2018-09-18", "day", "ROK", "DPRK", "moon-jae-in", "kim-jong-un", "summit", "true", "held", "Pyongyang", "KOR-31", "mofa-2018-09-19-declaration", "Summit 18-20 September; declaration signed on 19 September."),
]

# (observation_id, date, precision, system, status, low, best, high, unit, source_id, confidence, notes)
# status: in_ukraine = stock on Ukrainian territory on that date; deactivated, transferred (to Russia)
# and eliminated are cumulative totals up to that date.
ARSENAL = [
    ("A-01", "1991-12-01", "month", "strategic_warheads", "in_ukraine", 1600, 1900, 2000, "warheads", "wh-1996-06-01-fact-sheet", "medium", "'Some 1900' (White House); 1,944 by START counting rules (The Day); 'about 2,000' (LA Times 1996); 'more than 1,600' (AP 1994) and 1,240 count ICBM warheads only."),
    ("A-02", "1993-12-20", "day", "strategic_warheads", "deactivated", 170, 170, 200, "warheads", "ukrweekly-1993-12", "high", "Removed from 17 SS-24s to storage in Ukraine; the Moscow Times (Jan 1994) reported 20 SS-24s and 200 warheads."),
    ("A-03", "1994-01-14", "day", "strategic_warheads", "in_ukraine", 1600, 1900, 2000, "warheads", "wh-1996-06-01-fact-sheet", "high", "White House: 'some 1900' when the Trilateral Statement was signed."),
    ("A-04", "1994-03-06", "day", "strategic_warheads", "transferred", 60, 60, 60, "warheads", "sunsentinel-1994-03-07", "high", "First trainload to Russia."),
    ("A-05", "1996-06-01", "day", "strategic_warheads", "in_ukraine", 0, 0, 0, "warheads", "latimes-1996-06-02", "high", "Kuchma declares the transfer complete."),
    ("A-06", "1996-06-01", "day", "strategic_warheads", "transferred", 1600, 1900, 2000, "warheads", "wh-1996-06-01-fact-sheet", "high", "All strategic warheads had gone to Russia ('As of June 1, there are none')."),
    ("A-07", "1991-12-01", "month", "tactical_warheads", "in_ukraine", 2500, 2500, 4200, "warheads", "wh-1996-06-01-fact-sheet", "medium", "'Some 2500' (White House); about 3,000 (Arms Control Today 2001; FAS); 2,800-4,200 (heraldonet)."),
    ("A-08", "1992-05-07", "day", "tactical_warheads", "in_ukraine", 0, 0, 0, "warheads", "latimes-1992-05-08", "high", "Kravchuk in Washington; Russia had announced completion on 6 May. Some may have remained aboard Black Sea Fleet ships."),
    ("A-09", "1992-05-07", "day", "tactical_warheads", "transferred", 2500, 2500, 4200, "warheads", "wh-1996-06-01-fact-sheet", "medium", "Same range as the initial stock."),
    ("A-10", "1991-12-01", "month", "ss19_missiles", "in_ukraine", 130, 130, 130, "missiles", "ukrweekly-1996-01", "high", "Six warheads each (some press reports wrongly say ten)."),
    ("A-11", "1999-01-01", "year", "ss19_missiles", "eliminated", 111, 111, 111, "missiles", "dod-1999-08-05-ctr", "medium", "DoD: 111 SS-19 missiles eliminated 'earlier this year'."),
    ("A-12", "1991-12-01", "month", "ss19_silos", "in_ukraine", 130, 130, 130, "silos", "ukrweekly-1996-01", "high", "One silo per missile."),
    ("A-13", "1999-01-01", "year", "ss19_silos", "eliminated", 130, 130, 130, "silos", "dod-1999-08-05-ctr", "medium", "DoD: all 130 SS-19 silos eliminated by 1999."),
    ("A-14", "1991-12-01", "month", "ss24_missiles", "in_ukraine", 45, 46, 46, "missiles", "ukrweekly-1993-12", "high", "Ten warheads each; the Kyiv Post (2001) says 45."),
    ("A-15", "1993-12-20", "day", "ss24_missiles", "deactivated", 17, 17, 20, "missiles", "ukrweekly-1993-12", "high", "Warheads removed as a goodwill gesture; 20 per the Moscow Times (Jan 1994)."),
    ("A-16", "1991-12-01", "month", "ss24_silos", "in_ukraine", 46, 46, 46, "silos", "ukrweekly-1993-12", "high", "One silo per missile."),
    ("A-17", "2001-10-30", "day", "ss24_silos", "eliminated", 46, 46, 46, "silos", "rferl-2001-10-30", "high", "The last silo was blown up at Pervomaisk; a site-closure ceremony was reported on 25 Oct."),
    ("A-18", "1991-12-01", "month", "heavy_bombers", "in_ukraine", 30, 44, 49, "aircraft", "theday-2001-nuclear", "medium", "44 modern ALCM carriers (about 25 Tu-95MS + 19 Tu-160); 30-43 (heraldonet); 49 counting older Tu-95 variants (ACT 2001)."),
    ("A-19", "2001-05-17", "day", "heavy_bombers", "eliminated", 38, 38, 38, "aircraft", "act-2001-bombers", "medium", "11 Tu-160 + 27 Tu-95 destroyed; AP (Oct 2001) dates the last two to February."),
    ("A-20", "2001-05-17", "day", "heavy_bombers", "transferred", 11, 11, 11, "aircraft", "act-2001-bombers", "medium", "Handed to Russia."),
    ("A-21", "2001-05-17", "day", "heavy_bombers", "in_ukraine", 0, 0, 0, "aircraft", "act-2001-bombers", "medium", "Last strategic bomber dismantled at Uzin."),
    ("A-22", "1991-12-01", "month", "alcm", "in_ukraine", 1000, 1068, 1068, "missiles", "theday-2001-nuclear", "medium", "1,068 (The Day); about 1,000 (FAS)."),
    ("A-23", "2001-03-01", "month", "alcm", "eliminated", 483, 483, 483, "missiles", "act-2001-bombers", "medium", "Last strategic ALCM eliminated about two months before 17 May 2001."),
    ("A-24", "2001-03-01", "month", "alcm", "transferred", 582, 582, 582, "missiles", "act-2001-bombers", "medium", "Sent to Russia."),
    ("A-25", "2001-03-01", "month", "alcm", "in_ukraine", 0, 0, 0, "missiles", "act-2001-bombers", "medium", "483 destroyed + 582 transferred = 1,065."),
]

# (test_id, date, precision, kind, name, site, magnitude, yield_low_kt, yield_high_kt, source_id, confidence, notes)
NK_TESTS = [
    ("NT-1", "2006-10-09", "day", "nuclear", "First nuclear test", "Punggye-ri", 4.3, "", 1, "bloomberg-2017-09-04", "high", "Under 1 kt; magnitude 4.1 (Bloomberg) or 4.3 (USGS). Widely called a partial fizzle."),
    ("NT-2", "2009-05-25", "day", "nuclear", "Second nuclear test", "Punggye-ri", 4.7, 2, 8, "bloomberg-2017-09-04", "medium", "Estimates 2-6 kt (Bloomberg), 2-4, 3-4 and 2-8 kt (others)."),
    ("NT-3", "2013-02-12", "day", "nuclear", "Third nuclear test", "Punggye-ri", 5.1, 6, 9, "bloomberg-2017-09-04", "medium", "USA Today dates it 13 Feb (US time)."),
    ("NT-4", "2016-01-06", "day", "nuclear", "Fourth nuclear test", "Punggye-ri", 5.1, 6, 9, "bloomberg-2017-09-04", "medium", "Claimed as a hydrogen bomb; experts judged it too small."),
    ("NT-5", "2016-09-09", "day", "nuclear", "Fifth nuclear test", "Punggye-ri", 5.3, 10, 30, "reuters-2016-09-09-yield", "medium", "About 10 kt (ROK); 20-30 kt (J. Lewis); 25 kt (BGR)."),
    ("NT-6", "2017-09-03", "day", "nuclear", "Sixth nuclear test", "Punggye-ri", 6.3, 50, 100, "csis-mt-6th-test", "high", "50-60 kt (KMA) to over 100 kt (NORSAR); announced as thermonuclear."),
    ("MT-1", "2017-07-04", "day", "icbm", "Hwasong-14", "near Banghyon", "", "", "", "csis-bp-provocations", "high", "First North Korean ICBM launch."),
    ("MT-2", "2017-07-28", "day", "icbm", "Hwasong-14", "North Korea", "", "", "", "csis-bp-provocations", "high", "Launched 11:41 p.m. local time."),
    ("MT-3", "2017-11-29", "day", "icbm", "Hwasong-15", "near Pyongsong", "", "", "", "reuters-2017-11-29-hwasong15", "high", "Apogee about 4,475 km, 950 km range, 53 minutes; 28 Nov in US time zones."),
]

# (year, date, precision, count, unit, database, source_id, confidence, notes)
MISSILE_COUNTS = [
    (2012, "2012-01-01", "year", 3, "events", "CSIS Beyond Parallel", "csis-bp-provocations", "medium", "Events classed 'Missile Provocation' (a salvo counts once); KEI counts 8 tests in 2012."),
    (2013, "2013-01-01", "year", 4, "events", "CSIS Beyond Parallel", "csis-bp-provocations", "medium", ""),
    (2014, "2014-01-01", "year", 16, "events", "CSIS Beyond Parallel", "csis-bp-provocations", "medium", "CNS counts 25 missiles in 2014 (Caixin)."),
    (2015, "2015-01-01", "year", 10, "events", "CSIS Beyond Parallel", "csis-bp-provocations", "medium", ""),
    (2016, "2016-01-01", "year", 20, "events", "CSIS Beyond Parallel", "csis-bp-provocations", "medium", ""),
    (2017, "2017-01-01", "year", 16, "events", "CSIS Beyond Parallel", "csis-bp-provocations", "medium", "The snapshot lacks the 29 Nov 2017 Hwasong-15, so 17 is the better count."),
    (2018, "2018-01-01", "year", 0, "events", "CSIS Beyond Parallel", "csis-bp-provocations", "high", "Agrees with NTI (Statista) and the April 2018 moratorium."),
]

# (agreement_id, name, date, precision, case, parties, kind, legal_form, key_terms, event_id, source_id, confidence)
AGREEMENTS = [
    ("start-i", "Strategic Arms Reduction Treaty (START I)", "1991-07-31", "day", "context", "USA;USSR", "treaty", "treaty (ratified; in force 5 Dec 1994)", "Caps on strategic delivery vehicles and warheads; elimination deadline 5 Dec 2001.", "CTX-01", "rada-1993-start-resolution", "high"),
    ("alma-ata", "Alma-Ata agreements on nuclear weapons", "1991-12-21", "day", "ukraine", "RUS;UKR;BLR;KAZ", "agreement", "intergovernmental agreement", "Tactical nuclear weapons to be moved to Russia by 1 July 1992.", "UKR-05", "mcnair-chronology", "medium"),
    ("lisbon-protocol", "Lisbon Protocol to START I", "1992-05-23", "day", "ukraine", "USA;RUS;UKR;BLR;KAZ", "protocol", "treaty protocol (ratified)", "Four successor states become START parties; Ukraine, Belarus and Kazakhstan to join the NPT as non-nuclear-weapon states.", "UKR-09", "wikipedia-lisbon-protocol", "high"),
    ("massandra", "Massandra outline deal", "1993-09-03", "day", "ukraine", "RUS;UKR", "summit protocol", "political understanding (not implemented)", "Black Sea Fleet share and warheads to Russia for debt relief and reactor fuel; unravelled within days.", "UKR-14", "nashepravo-nuclear-chronology", "medium"),
    ("ctr-umbrella-ukraine", "Cooperative Threat Reduction (Nunn-Lugar) umbrella agreement with Ukraine", "1993-10-25", "day", "ukraine", "USA;UKR", "agreement", "executive agreement", "Framework for US dismantlement aid; $175 million pledged.", "UKR-15", "chicagotribune-1993-10-26", "high"),
    ("trilateral-statement", "Trilateral Statement and Annex", "1994-01-14", "day", "ukraine", "USA;RUS;UKR", "joint statement", "political commitment", "All warheads to Russia; compensation for HEU as reactor fuel; security assurances on NPT accession; Nunn-Lugar aid.", "UKR-18", "trilateral-statement-1994", "high"),
    ("budapest-memorandum", "Budapest Memorandum on Security Assurances", "1994-12-05", "day", "ukraine", "USA;RUS;GBR;UKR", "memorandum", "political assurances (binding force disputed)", "Assurances to respect Ukraine's independence, sovereignty and existing borders, on its NPT accession.", "UKR-22", "wh-1996-06-01-fact-sheet", "high"),
    ("panmunjom-declaration", "Panmunjom Declaration for Peace, Prosperity and Reunification of the Korean Peninsula", "2018-04-27", "day", "korea", "ROK;DPRK", "declaration", "political declaration", "Complete denuclearization as a common goal; end-of-war declaration sought in 2018; family reunions; military talks.", "KOR-09", "panmunjom-declaration-text", "high"),
    ("singapore-statement", "Singapore Joint Statement", "2018-06-12", "day", "korea", "USA;DPRK", "joint statement", "political declaration", "New US-DPRK relations; lasting peace regime; DPRK to work toward complete denuclearization; recovery of POW/MIA remains; US security guarantees.", "KOR-25", "crs-in10916", "high"),
    ("pyongyang-declaration", "September Pyongyang Joint Declaration (with military agreement)", "2018-09-19", "day", "korea", "ROK;DPRK", "declaration", "political declaration with a military agreement", "Closure of Tongchang-ri; Yongbyon if the US takes corresponding measures; military tension reduction.", "KOR-31", "mofa-2018-09-19-declaration", "high"),
]

# (claim_id, paragraph, claim, quote, claim_type, verdict, record, date, precision, event_id, discrepancy_item, source_id, confidence)
# paragraph: 0 = photo caption, 1 = 'In Brief', 2-12 = body paragraphs in order.
CLAIMS = [
    ("C01", 1, "Trump called off the Singapore summit on 24 May because of North Korean hostility.", "due to Pyongyang's perceived hostility", "factual", "accurate", "Trump's letter of 24 May cited 'tremendous anger and open hostility' in the North's latest statement.", "2018-05-24", "day", "KOR-17", 11, "suntimes-2018-05-24", "high"),
    ("C02", 1, "Moon and Kim reached out to each other after the cancellation.", "reached out to each other", "factual", "imprecise", "The initiative came from Kim, who asked on the afternoon of 25 May to meet 'without any formality'.", "2018-05-25", "day", "KOR-19", 2, "koreanet-2018-05-27", "high"),
    ("C03", 2, "The second summit was arranged within 24 hours.", "Within 24 hours", "factual", "accurate", "True counted from Kim's request (afternoon 25 May to 15:00 on 26 May); about 40 hours from Trump's letter.", "2018-05-26", "day", "KOR-20", 2, "koreanet-2018-05-27", "medium"),
    ("C04", 2, "The second summit took place on the northern side of the DMZ.", "at the Northern side of the demilitarised zone", "factual", "imprecise", "It took place at Tongilgak, inside the DMZ in the Joint Security Area, north of the demarcation line.", "2018-05-26", "day", "KOR-20", 3, "wikipedia-may-2018-summit", "high"),
    ("C05", 3, "The first summit took several weeks to organise.", "took several weeks to organise", "factual", "accurate", "Agreed in principle on 5 March, date fixed on 29 March, held on 27 April: about seven weeks.", "2018-04-27", "day", "KOR-06", 4, "koreaherald-2018-03-29", "high"),
    ("C06", 3, "The short notice shows improved relations and joint crisis management.", "joint inter-Korean diplomatic crisis management", "causal", "not_testable", "An interpretation; the record shows the speed, not the reason for it.", "2018-05-26", "day", "KOR-20", "", "mofa-2018-05-26-outcome", "medium"),
    ("C07", 4, "Kim stated his 'fixed will' to meet Trump as planned.", "fixed will", "factual", "accurate", "The phrase comes from KCNA's report of the summit; Moon's briefing also said Kim was committed to the summit.", "2018-05-26", "day", "KOR-21", 5, "mofa-2018-05-26-outcome", "medium"),
    ("C08", 4, "Moon announced in a press release on 27 May that Kim reaffirmed complete denuclearisation.", "In a press release the following day", "factual", "imprecise", "Moon gave a live press briefing at 10:00 on 27 May; the ministry's text was posted on 29 May.", "2018-05-27", "day", "KOR-21", 5, "mofa-2018-05-26-outcome", "high"),
    ("C09", 4, "Top civilian and military officials were to meet on 1 June about family reunions and military tension.", "top civilian and military officials", "factual", "imprecise", "The 1 June talks were led by civilians; they scheduled military talks for 14 June and Red Cross talks for 22 June.", "2018-06-01", "day", "KOR-23", 6, "kyodo-2018-06-01", "high"),
    ("C10", 4, "After the second summit, Pyongyang dismantled Punggye-ri to show sincerity toward the 12 June summit.", "unilaterally show indirect sincerity", "causal", "misleading", "The demolition was decided on 20 April, announced on 12 May and carried out on 24 May, before the second summit and before Trump's letter.", "2018-05-24", "day", "KOR-16", 1, "xinhua-2018-05-25", "high"),
    ("C11", 4, "International journalists witnessed the dismantlement.", "international journalists present as witnesses", "factual", "accurate", "About 30 reporters from five countries attended; no experts or inspectors, so nothing was verified.", "2018-05-24", "day", "KOR-16", 1, "xinhua-2018-05-25", "high"),
    ("C12", 5, "These results convinced Washington of Pyongyang's sincerity.", "These results convinced Washington", "causal", "unverified", "No source tests this; the public turning point was Kim Yong Chol's letter delivered at the White House on 1 June.", "2018-06-01", "day", "KOR-24", 16, "washtimes-2018-06-01", "medium"),
    ("C13", 5, "The US and North Korea sent senior diplomats to Singapore to prepare the summit.", "dispatched senior diplomats to Singapore", "factual", "imprecise", "Preparation ran in New York (30-31 May), the White House (1 June), Panmunjom and Singapore.", "2018-05-30", "day", "KOR-22", 7, "dpa-2018-06-02", "high"),
    ("C14", 5, "Flexible, determined regional powers can succeed while influencing a great power.", "influencing a great power such as the United States", "causal", "not_testable", "A generalisation; the course tests it by comparing cases (modules 05-06).", "2018-06-12", "day", "KOR-25", "", "crs-in10916", "medium"),
    ("C15", 6, "Between 1991 and 1996 Ukraine gave up the nuclear arms it inherited.", "Between 1991 and 1996", "factual", "imprecise", "The last warheads left on 1 June 1996, but delivery systems were destroyed until 2001; Moscow kept launch control throughout.", "1996-06-01", "day", "UKR-24", 12, "latimes-1996-06-02", "high"),
    ("C16", 6, "The Rada bargained hard for compensation and security guarantees.", "compensation and security guarantees", "factual", "imprecise", "The bargaining is documented; what Ukraine obtained were security assurances (Budapest Memorandum) and reactor fuel, not guarantees.", "1994-12-05", "day", "UKR-22", 13, "wh-1996-06-01-fact-sheet", "high"),
    ("C17", 7, "Ukrainian leaders worked unofficially with Russian and US counterparts on technical deactivation processes.", "worked unofficially with their Russian and US counterparts", "factual", "accurate", "Documented contacts include Wisner's October 1992 visit, the Aspin-Grachev plan (June 1993) and the Aspin-Morozov talks (July 1993).", "1993-07-27", "day", "UKR-13", "", "chicagotribune-1993-07-28", "medium"),
    ("C18", 7, "In early 1993 Ukraine said it would discuss de-targeting and removing guidance systems and warheads.", "In early 1993", "factual", "unverified", "No source found for early 1993; the closest evidence is Wisner's October 1992 talks on deactivation proposals.", "1993-01-01", "year", "UKR-10", 14, "mcnair-chronology", "low"),
    ("C19", 7, "Ukraine offered the US to dismantle some of its ICBMs on its own.", "unilateral dismantlement", "factual", "imprecise", "'The former's' points grammatically at the US. The nearest event: in July 1993 Ukraine began dismantling SS-19s before ratifying START.", "1993-07-27", "day", "UKR-13", 15, "chicagotribune-1993-07-28", "medium"),
    ("C20", 8, "Technical talks outside the Rada's purview sidestepped political gridlock.", "sidestepped political gridlock", "causal", "not_testable", "Consistent with the record (SS-19 dismantling began before ratification), but the causal link is the author's reading.", "1993-07-27", "day", "UKR-13", "", "chicagotribune-1993-07-28", "medium"),
    ("C21", 8, "Working outside formal negotiations lets regional powers reach secondary objectives.", "willingness to work outside of formal negotiations", "causal", "not_testable", "A lesson drawn from the comparison; module 05 examines where the analogy holds.", "2018-06-01", "month", "ART-01", "", "eaf-2018-liang", "medium"),
    ("C22", 9, "Singapore produced no concrete deliverables: vague guarantees for an in-principle commitment.", "'in-principle' commitment", "factual", "accurate", "CRS: a statement of principles with no timeline and no verification.", "2018-06-12", "day", "KOR-25", 8, "crs-in10916", "high"),
    ("C23", 9, "Both sides pledged to normalise their relations.", "pledged to normalise their relations", "factual", "imprecise", "The statement says they will 'establish new U.S.-DPRK relations'; it does not say normalise.", "2018-06-12", "day", "KOR-25", 8, "crs-in10916", "high"),
    ("C24", 10, "Pompeo is due to meet his North Korean counterpart to work out implementation.", "due to meet his counterpart from Pyongyang", "predictive", "partly_borne_out", "Pompeo met Kim Yong Chol (a party official, not the foreign minister) on 6-7 July; the North then called US demands 'gangster-like'.", "2018-07-06", "day", "KOR-29", 10, "nknews-2018-07", "high"),
    ("C25", 10, "Hawkish factions and foreign powers could impede results.", "interference from foreign powers", "predictive", "not_testable", "Too general to check against these sources.", "2018-06-01", "month", "ART-01", "", "eaf-2018-liang", "medium"),
    ("C26", 10, "Seoul and Pyongyang should not resign themselves to stagnation.", "should not resign themselves", "normative", "not_testable", "A recommendation, not a statement of fact.", "2018-06-01", "month", "ART-01", "", "eaf-2018-liang", "high"),
    ("C27", 11, "If both leaders keep the will shown at the second summit, progress is possible.", "progress is possible", "predictive", "partly_borne_out", "As of 2019: a third summit in Pyongyang (September 2018) produced a declaration and a military agreement; the US-DPRK Hanoi summit (February 2019) ended without a deal.", "2018-09-19", "day", "KOR-31", "", "mofa-2018-09-19-declaration", "medium"),
    ("C28", 11, "A de facto stable peace can come from an unofficial Moon-Kim agreement.", "unofficial agreement inked between Moon and Kim", "predictive", "not_borne_out", "As of 2019: the inter-Korean steps of 2018 were formal, signed declarations, and no peace arrangement followed the failed Hanoi summit.", "2019-02-28", "day", "KOR-32", "", "nexstar-2019-02-28", "medium"),
    ("C29", 11, "If Kim plays his part, North Korean military adventurism and terrorism will end.", "a thing of the past", "predictive", "not_testable", "A conditional forecast whose condition is not defined.", "2018-06-01", "month", "ART-01", "", "eaf-2018-liang", "medium"),
    ("C30", 12, "A visible, irreversible disarmament step could justify easing UN sanctions.", "relaxation of UN-mandated economic sanctions", "normative", "not_borne_out", "As of 2019: no missiles were surrendered; at Hanoi the two sides parted over sanctions relief.", "2019-02-28", "day", "KOR-32", "", "nexstar-2019-02-28", "medium"),
    ("C31", 12, "A denuclearisation-compensation cycle could run without the US.", "works independently of US involvement", "predictive", "not_testable", "The record to 2019 does not isolate the US role; module 06 models the cycle's assumptions.", "2018-06-01", "month", "ART-01", "", "eaf-2018-liang", "medium"),
    ("C32", 0, "The photo shows a high-level military talk on 14 June 2018.", "high-level military talk", "factual", "imprecise", "Date, place and ranks are right; the talks were general-level, the first since December 2007.", "2018-06-14", "day", "KOR-27", 9, "kbs-2018-06-14", "high"),
]
