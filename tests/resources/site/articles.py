# ruff: noqa: RUF001  (HTML templates and prose: long lines and typographic dashes are the point)
"""Article texts for the test site (fictional organisations, written for pressroom's tests).

Each entry is one press release. ``body`` holds paragraphs; a paragraph that starts with
"## " is a subheading. ``about`` is the boilerplate-looking "About X" block that belongs to
the release itself and therefore to the expected body. ``build_site.py`` renders them.
"""

from __future__ import annotations

ARTICLES: list[dict] = [
    # ------------------------------------------------------------------ uni (Lion Rock University)
    {
        "site": "uni",
        "path": "uni/news/2025/lru-photonics-institute-mou.html",
        "title": "Lion Rock University and Pearl Delta Photonics Institute Sign MoU on Integrated Optics",
        "date": "2025-03-18",
        "time": "10:30:00+08:00",
        "author": "Communications and Public Affairs Office",
        "label": "mou",
        "description": "A five-year memorandum creates a joint laboratory for silicon photonics and a shared doctoral training scheme.",
        "body": [
            "Lion Rock University (LRU) today signed a memorandum of understanding with the Pearl Delta "
            "Photonics Institute (PDPI) to establish a joint laboratory for integrated optics, marking the "
            "first formal research alliance between the two institutions. The five-year agreement was "
            "signed on campus by Professor Helen Tsang Wai-ling, Vice-President for Research and "
            "Development of LRU, and Dr Marcus Leung Ka-fai, Executive Director of PDPI, in the presence of "
            "faculty members, industry partners and doctoral students.",
            "Under the memorandum, the partners will set up the LRU–PDPI Joint Laboratory for Silicon "
            "Photonics in the University's new engineering complex. The laboratory will focus on optical "
            "interconnects for data centres, low-loss waveguides for quantum sensing and packaging "
            "techniques that allow photonic chips to be produced at volume in the Greater Bay Area.",
            "## A pipeline for research talent",
            "The agreement also introduces a co-supervised doctoral programme. Up to twelve research "
            "postgraduate students each year will divide their time between the University's clean room "
            "and the institute's pilot fabrication line, giving them hands-on experience of both "
            "fundamental research and manufacturing. Students will receive a monthly stipend top-up "
            "funded jointly by the two partners.",
            "“Photonics is moving from the laboratory bench to the factory floor faster than most people "
            "expected,” said Professor Tsang. “By pairing our strength in device physics with PDPI's "
            "fabrication know-how, we can shorten the path from a published result to a product that "
            "industry can actually buy.”",
            "Dr Leung added that the institute had long admired the University's work on thin-film "
            "lithium niobate modulators. “This memorandum turns years of informal conversations into a "
            "structured programme with shared milestones, shared equipment and, most importantly, shared "
            "people,” he said.",
            "The two sides will hold an annual review meeting and publish a joint progress report. The "
            "first call for seed projects will open to LRU faculty members in May, with successful teams "
            "announced before the start of the autumn term.",
            "## About Lion Rock University",
            "Lion Rock University is a research-intensive public university in Hong Kong with more than "
            "17,000 students across six schools. It is known for its work in engineering, life sciences "
            "and data science, and for its close partnerships with industry in the Greater Bay Area.",
        ],
    },
    {
        "site": "uni",
        "path": "uni/news/2025/lru-global-index-ranking.html",
        "title": "LRU Climbs to 38th in the Global Universities Index 2026",
        "date": "2025-06-05",
        "time": "09:00:00+08:00",
        "author": "Communications and Public Affairs Office",
        "label": "ranking",
        "description": "The University rose nine places, with its engineering and data science subjects now in the world's top 20.",
        "body": [
            "Lion Rock University has risen nine places to 38th in the Global Universities Index 2026, "
            "its highest position since the league table was first published. The University also "
            "ranks fourth among institutions in the Greater Bay Area and second among universities "
            "founded in the past fifty years.",
            "The index, compiled annually by an independent higher-education analytics group, assesses "
            "more than 1,600 universities on academic reputation, employer reputation, citations per "
            "faculty, faculty-student ratio, international outlook and graduate employment outcomes. "
            "LRU recorded its strongest gains in citations per faculty and in employer reputation, "
            "reflecting the growing influence of its research and the demand for its graduates.",
            "Performance in selected indicators:",
            "LRU's subject rankings also improved. Electrical and electronic engineering entered the "
            "global top 15 for the first time, while data science and artificial intelligence moved up "
            "to 19th. Materials science held its place in the top 30.",
            "“Rankings are only one lens, but this result reflects the hard work of our colleagues and "
            "students over many years,” said Professor Arthur Chiu Man-kit, President of LRU. “What "
            "pleases me most is the rise in employer reputation: it tells us that the people who hire "
            "our graduates value what they learn here.”",
            "The University said it would continue to invest in interdisciplinary research clusters and "
            "in international exchange, with a target of sending every undergraduate on at least one "
            "overseas or Mainland learning experience before graduation.",
        ],
        "table": [
            ["Indicator", "2025 score", "2026 score"],
            ["Academic reputation", "71.4", "74.9"],
            ["Employer reputation", "68.2", "79.5"],
            ["Citations per faculty", "88.0", "93.1"],
            ["International outlook", "97.6", "98.0"],
        ],
    },
    {
        "site": "uni",
        "path": "uni/news/2025/lru-dean-of-medicine-appointed.html",
        "title": "Professor Grace Ho Appointed Founding Dean of the School of Medicine",
        "date": "2025-08-22",
        "time": "16:45:00+08:00",
        "author": "Winnie Lo",
        "label": "other",
        "description": "The Council has approved the appointment of a clinician-scientist with two decades of experience in oncology.",
        "body": [
            "The Council of Lion Rock University has approved the appointment of Professor Grace Ho "
            "Suet-ying as the founding Dean of the University's new School of Medicine, with effect from "
            "1 January 2026. Professor Ho will lead the development of the School's curriculum, the "
            "recruitment of its first faculty members and its partnerships with public hospitals.",
            "Professor Ho is a clinician-scientist specialising in haematological oncology. She joins "
            "LRU from a leading teaching hospital in Singapore, where she served as head of its cancer "
            "research centre for eight years and led clinical trials of cell therapies for lymphoma. "
            "She has published more than 180 peer-reviewed papers and holds several patents on "
            "immune-cell engineering.",
            "A graduate of medicine from a Hong Kong university, Professor Ho completed her specialist "
            "training locally before undertaking doctoral research in the United Kingdom. She is a "
            "fellow of several professional colleges and has sat on international committees that "
            "write guidelines for the treatment of blood cancers.",
            "“Grace brings exactly the combination we were looking for: clinical excellence, a proven "
            "record in translational research and a genuine commitment to teaching,” said the Chairman "
            "of the Council. “We are confident she will build a school that serves Hong Kong's patients "
            "and trains doctors who are comfortable with both the bedside and the laboratory.”",
            "Professor Ho said she was honoured to return home. “A new medical school is a rare "
            "opportunity to rethink how doctors are trained. I want our students to learn alongside "
            "engineers and data scientists from their first year, because that is how medicine will be "
            "practised in their careers,” she said.",
            "The School of Medicine plans to admit its first cohort of students in September 2027, "
            "subject to accreditation.",
        ],
    },
    {
        "site": "uni",
        "path": "uni/news/2025/lru-sodium-battery-finding.html",
        "title": "LRU Chemists Develop Sodium-Ion Cathode That Survives 10,000 Charge Cycles",
        "date": "2025-10-09",
        "time": "11:15:00+08:00",
        "author": "Dr Kelvin Yip",
        "label": "other",
        "description": "A layered oxide cathode with a protective surface coating keeps 91 per cent of its capacity after 10,000 cycles.",
        "body": [
            "A research team at Lion Rock University has developed a cathode material for sodium-ion "
            "batteries that retains 91 per cent of its capacity after 10,000 charge and discharge "
            "cycles, a durability that could make the low-cost technology suitable for storing solar "
            "and wind power on the grid. The findings were published this week in a leading "
            "peer-reviewed journal on energy materials.",
            "Sodium is far more abundant than lithium and can be extracted cheaply from seawater, but "
            "sodium-ion cathodes have tended to crack and lose capacity as the larger sodium ions move "
            "in and out of the crystal structure. The LRU team, led by Professor Daniel Fong Chi-wai of "
            "the Department of Chemistry, tackled the problem by growing an ultra-thin phosphate layer "
            "on each particle of a layered oxide cathode.",
            "The coating, only a few nanometres thick, acts like a flexible skin. It lets sodium ions "
            "pass while stopping the electrolyte from attacking the particle surface, and it holds the "
            "particle together as it swells and shrinks. Electron microscopy showed almost no cracking "
            "in coated particles after thousands of cycles, while uncoated particles were badly "
            "fractured.",
            "“Cycle life has been the weak point of sodium-ion batteries for grid storage, where an "
            "installation is expected to last fifteen or twenty years,” said Professor Fong. “Our "
            "coating process uses inexpensive precursors and runs at moderate temperatures, so we "
            "believe it can be scaled up without much difficulty.”",
            "The team has filed a patent application and is working with a battery manufacturer in the "
            "Greater Bay Area to produce pouch cells for testing. The research was supported by the "
            "Research Grants Council and by the University's energy research cluster.",
        ],
    },
    # ------------------------------------------------------------------ sciencepark (Harbour Innovation Park)
    {
        "site": "sciencepark",
        "path": "sciencepark/media/press-releases/hip-deep-tech-fund-launch.html",
        "title": "Harbour Innovation Park Launches HK$300 Million Deep Tech Co-Investment Fund",
        "date": "2025-02-11",
        "time": "",
        "author": "",
        "label": "fund",
        "description": "",
        "body": [
            "Harbour Innovation Park (HIP) today announced the launch of a HK$300 million Deep Tech "
            "Co-Investment Fund to back start-ups working on advanced materials, robotics, biotechnology "
            "and semiconductors. The fund will invest alongside private venture capital firms in seed "
            "and Series A rounds, matching their commitments on the same terms.",
            "The new fund replaces the park's earlier corporate venture programme and more than doubles "
            "the capital available to companies in its incubation and acceleration schemes. Each "
            "eligible start-up may receive up to HK$15 million across two rounds, provided that a "
            "qualified private investor leads the round and commits at least as much.",
            "## Closing the funding gap",
            "Deep technology companies typically need several years of research and testing before "
            "they earn revenue, which makes early rounds hard to raise. HIP said its own data showed "
            "that fewer than one in four hardware start-ups in its programmes closed a Series A round "
            "within three years of graduation, compared with more than half of software start-ups.",
            "“Hong Kong has the science, and it increasingly has the founders. What has been missing is "
            "patient capital at the moment a company moves from prototype to pilot production,” said "
            "Ms Teresa Kwan, Chief Executive Officer of HIP. “By sharing risk with private investors, we "
            "can pull more of them into deep tech and keep promising companies growing here.”",
            "The fund's investment committee will include independent members with venture capital and "
            "industry experience. Applications will open on 1 April, and the first investments are "
            "expected before the end of the year. Returns from the fund will be recycled into future "
            "investments.",
            "## About Harbour Innovation Park",
            "Harbour Innovation Park is a statutory body that builds and runs science and technology "
            "infrastructure in Hong Kong. It hosts more than 1,400 technology companies and offers "
            "incubation programmes, laboratories and pilot production facilities for start-ups and "
            "established firms.",
        ],
        "captions": [
            "Ms Teresa Kwan, Chief Executive Officer of HIP, announces the new fund at the park's "
            "innovation centre.",
            "Founders of incubatee companies demonstrate a collaborative robot arm at the launch ceremony.",
        ],
    },
    {
        "site": "sciencepark",
        "path": "sciencepark/media/press-releases/hip-smart-city-expo-2025.html",
        "title": "Smart City Expo 2025 Draws 42,000 Visitors and 260 Exhibitors to the Park",
        "date": "2025-05-27",
        "time": "",
        "author": "",
        "label": "event",
        "description": "",
        "body": [
            "The three-day Smart City Expo 2025 closed on Sunday at Harbour Innovation Park after "
            "welcoming more than 42,000 visitors and 260 exhibitors from 18 economies, making it the "
            "largest edition of the event since it began in 2017.",
            "This year's expo was organised around four themes: mobility, healthy ageing, green "
            "buildings and digital government. Visitors could ride in an autonomous shuttle on a "
            "closed loop around the park, try robotic rehabilitation devices and watch live "
            "demonstrations of building-management software that cuts air-conditioning energy use.",
            "A two-day forum ran alongside the exhibition, with 85 speakers from government, academia "
            "and industry. Panels discussed data sharing between city departments, procurement rules "
            "that help local start-ups win public contracts and the use of artificial intelligence in "
            "traffic management.",
            "## Deals on the show floor",
            "Organisers reported that 37 business agreements were signed during the event, including "
            "pilot projects between park companies and property developers, two hospitals and a "
            "public transport operator. A business-matching programme arranged more than 600 "
            "one-to-one meetings between exhibitors and buyers.",
            "“The expo has become the place where smart city ideas meet the people who can deploy "
            "them,” said Mr Raymond Chow, Chief Commercial Officer of HIP. “We saw real purchasing "
            "interest this year, not just curiosity, and that is what our companies need.”",
            "Students from twelve secondary schools took part in a youth innovation challenge on the "
            "final day, presenting designs for safer pedestrian crossings and smarter rubbish "
            "collection. The winning team will join a summer internship at the park.",
            "Smart City Expo 2026 is scheduled for May next year.",
        ],
        "captions": [
            "Visitors try an autonomous shuttle on the closed loop around the park.",
            "A forum panel discusses data sharing between city departments.",
            "Secondary school students present their pedestrian-crossing design.",
        ],
    },
    {
        "site": "sciencepark",
        "path": "sciencepark/media/press-releases/hip-qianhai-partnership.html",
        "title": "HIP and Qianhai Innovation Hub Partner to Help Start-Ups Expand Across the Bay",
        "date": "2025-07-15",
        "time": "",
        "author": "",
        "label": "mou",
        "description": "",
        "body": [
            "Harbour Innovation Park (HIP) and the Qianhai Innovation Hub signed a strategic "
            "cooperation agreement today to help technology start-ups in Hong Kong and Shenzhen enter "
            "each other's markets. The agreement was signed in Shenzhen during a delegation visit led by "
            "the HIP Chairman.",
            "Under the partnership, companies admitted to the incubation programme of either party "
            "will be able to use a soft-landing office at the other's campus for up to six months "
            "free of charge. The two organisations will also share mentors, run joint investor "
            "demonstration days twice a year and help start-ups with company registration, banking "
            "and compliance on both sides of the boundary.",
            "The partners plan to exchange at least 40 start-ups in the first year, with priority for "
            "companies in health technology, fintech and advanced manufacturing. A joint working group "
            "will meet quarterly to review progress.",
            "“Many of our companies develop their technology in Hong Kong but find their first large "
            "customers in the Mainland. This partnership gives them a trusted base and a network from "
            "day one,” said the HIP Chairman.",
            "The Director of the Qianhai Innovation Hub said the cooperation would also attract "
            "Shenzhen start-ups to Hong Kong to raise capital and expand internationally. “The two "
            "cities have complementary strengths. Our job is to remove the small frictions that slow "
            "founders down,” she said.",
            "## About Harbour Innovation Park",
            "Harbour Innovation Park is a statutory body that builds and runs science and technology "
            "infrastructure in Hong Kong. It hosts more than 1,400 technology companies and offers "
            "incubation programmes, laboratories and pilot production facilities for start-ups and "
            "established firms.",
        ],
        "captions": [
            "Representatives of HIP and the Qianhai Innovation Hub exchange the signed agreement.",
        ],
    },
    {
        "site": "sciencepark",
        "path": "sciencepark/media/press-releases/hip-medtech-series-b.html",
        "title": "Park Incubatee NeuroLoop Raises US$45 Million in Series B Round",
        "date": "2025-09-30",
        "time": "",
        "author": "",
        "label": "fund",
        "description": "",
        "body": [
            "NeuroLoop Medical, a graduate of Harbour Innovation Park's incubation programme, has "
            "raised US$45 million in a Series B round to bring its wearable stroke-rehabilitation "
            "device to hospitals in Asia and Europe. The round was led by a Singapore-based healthcare "
            "investor, with participation from two existing shareholders and the park's co-investment "
            "fund.",
            "Founded in 2019 by a team of biomedical engineers, NeuroLoop makes a lightweight glove "
            "that reads muscle signals from the forearm and helps stroke patients complete hand "
            "exercises. Software adjusts the level of assistance in each session and sends progress "
            "reports to therapists, allowing patients to continue training at home.",
            "The company said the new capital would fund clinical studies in three countries, expand "
            "its production line in Hong Kong and double its research and development team to about "
            "90 people. The device has already received regulatory clearance in the Mainland and is "
            "used in 40 rehabilitation centres.",
            "“When we started, we had a prototype held together with tape and a lot of belief,” said "
            "Dr Alice Mak, co-founder and Chief Executive Officer of NeuroLoop. “The park gave us lab "
            "space, clinical introductions and investor connections at a time when few people would "
            "take a hardware medical company seriously.”",
            "HIP said NeuroLoop was the sixth company from its health technology cluster to raise a "
            "round of more than US$30 million in the past two years.",
        ],
        "captions": [
            "NeuroLoop's rehabilitation glove in use during a therapy session.",
            "The NeuroLoop founding team at their laboratory in the park.",
        ],
    },
    # ------------------------------------------------------------------ newswire (AsiaPac NewsWire)
    {
        "site": "newswire",
        "path": "newswire/news-releases/finbridge-series-c-funding-302118.html",
        "title": "FinBridge Secures US$80 Million Series C to Expand Cross-Border Payments for SMEs",
        "date": "2025-04-02",
        "time": "08:00:00+08:00",
        "author": "FinBridge Technologies Limited",
        "label": "fund",
        "description": "Hong Kong fintech FinBridge will use the funding to enter three Southeast Asian markets.",
        "body": [
            "HONG KONG, April 2, 2025 /AsiaPac NewsWire/ -- FinBridge Technologies Limited "
            '("FinBridge"), a Hong Kong-based provider of cross-border payment services for small '
            "and medium-sized enterprises, today announced that it has closed an US$80 million Series C "
            "funding round. The round was led by a global growth equity firm, with participation from "
            "a regional bank's venture arm and existing investors.",
            "FinBridge allows small exporters and online merchants to collect payments in 30 "
            "currencies, convert them at transparent rates and pay suppliers across Asia from a single "
            "account. The company processed more than US$9 billion in payments last year, roughly "
            "three times the volume of the previous year, and now serves over 60,000 business "
            "customers.",
            "The new funding will be used to obtain payment licences and open offices in Indonesia, "
            "Vietnam and the Philippines, to expand the company's engineering team in Hong Kong and to "
            "build credit products that help merchants manage working capital.",
            '"Small businesses still lose too much money and time moving funds across borders," said '
            'Jason Lam, co-founder and Chief Executive Officer of FinBridge. "This investment lets us '
            "bring the same fast, low-cost experience we built for Hong Kong merchants to markets where "
            'the need is even greater."',
            "A partner at the lead investor said FinBridge had shown rare discipline in combining "
            'rapid growth with strong risk controls. "Regulators and banks trust this team, and that '
            'trust is the real moat in payments," she said.',
            "About FinBridge Technologies Limited",
            "FinBridge Technologies Limited is a licensed money service operator and payment platform "
            "headquartered in Hong Kong. Founded in 2018, it employs 320 people across four offices "
            "and serves exporters, online sellers and service companies throughout Asia.",
            "Media Contact: Cindy Wong, Head of Communications, FinBridge Technologies Limited, "
            "press@finbridge.example",
        ],
    },
    {
        "site": "newswire",
        "path": "newswire/news-releases/asia-greentech-summit-2025-301877.html",
        "title": "Asia GreenTech Summit 2025 to Convene 3,000 Leaders in Hong Kong This November",
        "date": "2025-09-10",
        "time": "09:30:00+08:00",
        "author": "Asia GreenTech Council",
        "label": "event",
        "description": "The two-day summit will focus on financing the energy transition and scaling carbon-reduction technologies.",
        "body": [
            "HONG KONG, Sept. 10, 2025 /AsiaPac NewsWire/ -- The Asia GreenTech Council today announced "
            "that the Asia GreenTech Summit 2025 will take place on 18 and 19 November at the Hong "
            "Kong Convention and Exhibition Centre. The summit is expected to bring together more than "
            "3,000 policymakers, investors, corporate leaders and entrepreneurs from over 40 countries "
            "and regions.",
            'Under the theme "From Pledges to Projects", this year\'s programme will focus on how to '
            "finance and deliver carbon-reduction projects at scale. Sessions will cover green bonds "
            "and transition finance, hydrogen and energy storage, low-carbon shipping and aviation, "
            "and measuring emissions across supply chains.",
            "The summit will feature more than 120 speakers, including ministers from three Asian "
            "economies, the heads of two multilateral development banks and chief sustainability "
            "officers of major listed companies. An exhibition zone will showcase about 150 "
            "climate-technology companies, and a pitching competition will award prizes worth a "
            "total of US$500,000 to early-stage ventures.",
            '"Asia accounts for more than half of global emissions, so the success of the energy '
            'transition will be decided here," said Dr Vivian Sze, Chair of the Asia GreenTech '
            'Council. "We want participants to leave with deals and partnerships, not just ideas."',
            "Registration is now open. Early-bird passes are available until 30 September, and "
            "qualified start-ups and students may apply for complimentary passes.",
            "About the Asia GreenTech Council",
            "The Asia GreenTech Council is a non-profit industry association that promotes the "
            "development and financing of clean technologies in Asia. Its members include energy "
            "companies, financial institutions, research organisations and start-ups.",
        ],
    },
    {
        "site": "newswire",
        "path": "newswire/news-releases/harbourlink-top-employer-ranking-302455.html",
        "title": "HarbourLink Logistics Named Among Asia's Top 10 Employers in Supply Chain for Third Year",
        "date": "2025-11-04",
        "time": "10:00:00+08:00",
        "author": "HarbourLink Logistics Group",
        "label": "ranking",
        "description": "",
        "body": [
            "HONG KONG, Nov. 4, 2025 /AsiaPac NewsWire/ -- HarbourLink Logistics Group "
            '("HarbourLink") has been ranked seventh in the annual Asia Best Employers in Supply '
            "Chain list, the third consecutive year the company has been named in the top ten. The "
            "ranking is based on an independent survey of more than 25,000 employees at 400 logistics, "
            "shipping and warehousing companies across the region.",
            "HarbourLink scored highest in the categories of training and career development and "
            "workplace safety. The survey noted the company's apprenticeship programme for warehouse "
            "technicians, which has trained more than 1,200 young people since 2021, and its use of "
            "wearable sensors that warn forklift drivers when pedestrians are nearby.",
            '"Logistics runs on people as much as on ships and software," said Margaret Yeung, Group '
            'Human Resources Director of HarbourLink. "Being recognised by our own colleagues for a '
            'third year tells us that investing in skills and safety is paying off."',
            "The company said it would expand its apprenticeship programme to its operations in "
            "Malaysia and Thailand next year and launch a scholarship for the children of frontline "
            "staff.",
            "About HarbourLink Logistics Group",
            "HarbourLink Logistics Group provides freight forwarding, warehousing and last-mile "
            "delivery services across Asia. Headquartered in Hong Kong, the group employs more than "
            "9,000 people in 11 markets.",
        ],
    },
    # ------------------------------------------------------------------ corp (Kowloon Data Systems)
    {
        "site": "corp",
        "path": "corp/newsroom/2025/05/kds-signs-mou-with-harbour-hospital-authority/index.html",
        "title": "KDS Signs MoU with Eastern Harbour Hospital Group on Clinical Data Platform",
        "date": "2025-05-14",
        "time": "14:00:00+08:00",
        "author": "Priya Raman",
        "label": "mou",
        "description": "Kowloon Data Systems and Eastern Harbour Hospital Group will co-develop a privacy-preserving analytics platform.",
        "body": [
            "Kowloon Data Systems (KDS) has signed a memorandum of understanding with the Eastern "
            "Harbour Hospital Group to co-develop a clinical data platform that lets researchers "
            "analyse patient records without the data ever leaving the hospitals' own servers.",
            "The platform will use federated analytics: instead of copying records into a central "
            "warehouse, approved queries travel to each hospital, run locally and return only "
            "aggregated, privacy-protected results. The approach is designed to meet Hong Kong's "
            "personal data rules while allowing studies that draw on several hospitals at once.",
            "The first phase, running for eighteen months, will cover anonymised data on diabetes "
            "and chronic kidney disease from four hospitals in the group. Clinicians will use the "
            "platform to study which combinations of medicines best slow the progression of kidney "
            "disease in diabetic patients.",
            "“Hospitals are sitting on enormous amounts of valuable evidence, but privacy and security "
            "concerns rightly make them cautious about sharing it,” said Edwin Kwok, Chief Technology "
            "Officer of KDS. “Federated analytics lets us bring the question to the data rather than "
            "the data to the question.”",
            "The hospital group's Chief Medical Officer said the memorandum reflected a wider push to "
            "make routine care data useful for research. “Our doctors have questions that only "
            "real-world data can answer. This partnership gives them the tools to ask those questions "
            "safely,” he said.",
            "KDS will provide engineers and cloud infrastructure at no cost during the first phase. "
            "Both parties expect to publish the platform's technical design and governance framework "
            "so that other healthcare providers can adopt it.",
            "About Kowloon Data Systems",
            "Kowloon Data Systems builds data infrastructure and analytics software for hospitals, "
            "banks and public bodies in Asia. Founded in 2012, the company employs 450 people in Hong "
            "Kong, Singapore and Kuala Lumpur.",
        ],
    },
    {
        "site": "corp",
        "path": "corp/newsroom/2025/08/kds-wins-innovation-grant/index.html",
        "title": "KDS Awarded HK$12 Million Grant to Build Open-Source Tools for Traditional Chinese NLP",
        "date": "2025-08-06",
        "time": "09:30:00+08:00",
        "author": "Priya Raman",
        "label": "fund",
        "description": "A government innovation grant will fund open language models and datasets for Cantonese and Traditional Chinese.",
        "body": [
            "Kowloon Data Systems has been awarded a HK$12 million grant from the territory's "
            "innovation and technology fund to develop open-source language tools for Traditional "
            "Chinese and written Cantonese. The two-year project will be carried out with linguists "
            "from two local universities.",
            "Most widely used language models are trained largely on English and Simplified Chinese "
            "text, and they often stumble over Cantonese vocabulary, colloquial grammar and the mix "
            "of Chinese and English common in Hong Kong writing. The project aims to close that gap "
            "for public services, newsrooms and small businesses.",
            "The grant will fund three deliverables: a curated and licensed text collection of "
            "Traditional Chinese and Cantonese, a set of compact models for tasks such as search, "
            "summarisation and named-entity recognition, and a public benchmark to measure how well "
            "models handle local language.",
            "“Language technology should work for the way people in Hong Kong actually write and "
            "speak,” said Edwin Kwok, Chief Technology Officer of KDS. “Releasing the tools as open "
            "source means schools, NGOs and start-ups can use them without paying licence fees.”",
            "All models and benchmarks will be released under permissive licences, and the company "
            "will publish a data statement describing the sources and consent arrangements for every "
            "part of the text collection.",
        ],
    },
    {
        "site": "corp",
        "path": "corp/newsroom/2025/10/kds-at-digital-health-forum/index.html",
        "title": "KDS to Showcase Hospital Data Platform at Asia Digital Health Forum",
        "date": "2025-10-20",
        "time": "12:00:00+08:00",
        "author": "Daniel Osei",
        "label": "event",
        "description": "",
        "body": [
            "Kowloon Data Systems will demonstrate its federated clinical data platform at the Asia "
            "Digital Health Forum, which takes place in Hong Kong from 12 to 14 November. The company "
            "will host a stand in the forum's data and interoperability zone and run two workshops for "
            "hospital IT teams.",
            "Visitors to the stand will be able to try a live demonstration in which queries run "
            "across three simulated hospitals and return combined statistics within seconds. The "
            "workshops will cover privacy-impact assessments and how to connect existing electronic "
            "health record systems to the platform.",
            "On the second day of the forum, KDS Chief Technology Officer Edwin Kwok will join a "
            "panel on sharing health data across borders in the Greater Bay Area, alongside hospital "
            "administrators, regulators and legal experts.",
            "“Forums like this are where hospital leaders compare notes on what actually works,” said "
            "Mr Kwok. “We want to show that privacy-preserving analytics is no longer a research "
            "project but something a hospital can switch on.”",
            "The Asia Digital Health Forum is expected to attract around 5,000 participants, including "
            "clinicians, hospital executives, investors and technology companies from across the "
            "region.",
        ],
    },
]
