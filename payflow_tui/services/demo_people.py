"""Names and words for demo data: Nigerian first and family names, memos, reasons."""

from __future__ import annotations

FIRST_NAMES = (
    # Yoruba
    "Adebayo", "Adewale", "Ayodele", "Babatunde", "Bolanle", "Damilola", "Folake", "Funmilayo",
    "Ibukun", "Kehinde", "Kunle", "Modupe", "Olamide", "Oluwaseun", "Oluwatobi", "Segun", "Taiwo",
    "Temitope", "Titilayo", "Tunde", "Yetunde", "Bisi", "Femi", "Jide", "Lola", "Wale", "Yinka",
    # Igbo
    "Adaeze", "Chiamaka", "Chidi", "Chidinma", "Chinedu", "Chinonso", "Chioma", "Ebuka", "Emeka",
    "Ifeanyi", "Ifeoma", "Kelechi", "Nkechi", "Nnamdi", "Obinna", "Ngozi", "Uchenna", "Uche",
    "Amarachi", "Somto", "Tobenna", "Ikenna", "Ogechi", "Onyeka",
    # Hausa and Fulani
    "Abubakar", "Aisha", "Amina", "Bashir", "Fatima", "Hadiza", "Halima", "Ibrahim", "Idris",
    "Jamilu", "Khadija", "Maryam", "Musa", "Nafisa", "Sadiq", "Sani", "Usman", "Yusuf", "Zainab",
    "Hauwa", "Aminu", "Bilkisu", "Garba", "Rabiu",
    # Edo, Efik, Ijaw, Tiv and others
    "Osagie", "Osaze", "Efosa", "Eki", "Imuetinyan", "Ekaette", "Ekpo", "Ini", "Timipre", "Ebiere",
    "Tamuno", "Terhemba", "Mnena", "Ene", "Ojo", "Grace", "Blessing", "Godwin", "Patience", "Samuel",
    "Esther", "Daniel", "Joy", "Peace", "Victor",
)

FAMILY_NAMES = (
    "Adebayo", "Adeleke", "Adeyemi", "Afolabi", "Ajayi", "Akande", "Akinola", "Alabi", "Babalola",
    "Balogun", "Bankole", "Fashola", "Ogunleye", "Ogunbiyi", "Okonjo", "Olawale", "Olatunji", "Oyelaran",
    "Oyewole", "Adekunle", "Odunsi", "Adesanya",
    "Anyanwu", "Chukwu", "Eze", "Ezeani", "Nwachukwu", "Nwankwo", "Nwosu", "Obi", "Okafor", "Okeke",
    "Okonkwo", "Okoro", "Onyekachi", "Onwuachi", "Ugwu", "Umeh", "Nnadi", "Igwe", "Obiora", "Ezenwa",
    "Abdullahi", "Abubakar", "Aliyu", "Bello", "Danjuma", "Dikko", "Garba", "Ibrahim", "Lawal",
    "Mohammed", "Musa", "Sani", "Shehu", "Suleiman", "Umar", "Usman", "Yakubu", "Yar'Adua", "Kano",
    "Aigbe", "Ehigiator", "Osagie", "Omoregie", "Edet", "Bassey", "Effiong", "Ekpenyong", "Etim",
    "Alamieyeseigha", "Diri", "Tarka", "Akume", "Iorhemba", "Okpara", "Achebe", "Soyinka", "Adichie",
)

EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
STAFF_DOMAIN = "payflow.example"

TRANSFER_MEMOS = (
    None, None, None, None, "Rent", "School fees", "Transport", "Foodstuff", "Ajo contribution",
    "Thank you", "Data subscription", "Owambe aso-ebi", "Light bill", "Pocket money", "Hospital bill",
    "Market goods", "Fuel", "Esusu", "Birthday gift", "Repayment", "Salary advance", "Church offering",
    "Generator repair", "Tailor", "Hair salon",
)

DEPOSIT_MEMOS = (None, None, "Cash at the counter", "Bank transfer", "POS", "Salary", "Sales proceeds")

REJECTION_REASONS = (
    "Cash count did not match the slip",
    "Duplicate request",
    "Cheque returned unpaid",
    "Transfer not received from the bank",
    "Customer withdrew the request",
)

FREEZE_REASONS = (
    "Suspected fraud reported by the customer",
    "KYC documents expired",
    "Court order",
    "Unusual activity under review",
)

BRANCHES = ("Ikeja", "Lekki", "Wuse II", "Garki", "Kano Central", "Port Harcourt GRA", "Enugu", "Ibadan Ring Road")
