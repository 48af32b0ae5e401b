// Package demo builds the demo catalog and a few years of realistic synthetic ratings, so that `qiymet demo`
// (and the first `make run`) shows rankings, streaks, trends and comments without real data.
package demo

import "github.com/qiymet/qiymet/survey"

// SurveyCode is the one demo questionnaire.
const SurveyCode = "visit"

func n(az, en, ru string) survey.Names { return survey.Names{AZ: az, EN: en, RU: ru} }

type groupDef struct {
	code string
	name survey.Names
}

var groups = []groupDef{
	{"central", n("Mərkəzi icra hakimiyyəti orqanları", "Central executive authorities", "Центральные органы исполнительной власти")},
	{"state-companies", n("Dövlət şirkətləri və kommunal xidmətlər", "State companies and utilities", "Государственные компании и коммунальные службы")},
	{"partners", n("Özəl və digər tərəfdaşlar", "Private and other partners", "Частные и другие партнёры")},
}

type serviceDef struct {
	code string
	name survey.Names
}

type agencyDef struct {
	code, group string
	name        survey.Names
	services    []serviceDef
}

// agencies are modelled on the published ASAN xidmət index tables; the partners are generic on purpose:
// the demo must not attach invented scores to real private companies.
var agencies = []agencyDef{
	{"migration", "central", n("Dövlət Miqrasiya Xidməti", "State Migration Service", "Государственная миграционная служба"), []serviceDef{
		{"temp-residence", n("Müvəqqəti yaşama icazəsi", "Temporary residence permit", "Разрешение на временное проживание")},
		{"perm-residence", n("Daimi yaşama icazəsi", "Permanent residence permit", "Разрешение на постоянное проживание")},
		{"work-permit", n("İş icazəsi", "Work permit", "Разрешение на работу")},
		{"citizenship", n("Vətəndaşlıq məsələləri", "Citizenship matters", "Вопросы гражданства")},
	}},
	{"justice", "central", n("Ədliyyə Nazirliyi", "Ministry of Justice", "Министерство юстиции"), []serviceDef{
		{"notarial-certification", n("Notarial təsdiqləmə", "Notarial certification", "Нотариальное заверение")},
		{"birth-registration", n("Doğumun dövlət qeydiyyatı", "Birth registration", "Государственная регистрация рождения")},
		{"marriage-registration", n("Nikahın dövlət qeydiyyatı", "Marriage registration", "Государственная регистрация брака")},
		{"criminal-record", n("Məhkumluq haqqında arayış", "Criminal record certificate", "Справка о судимости")},
	}},
	{"internal-affairs", "central", n("Daxili İşlər Nazirliyi", "Ministry of Internal Affairs", "Министерство внутренних дел"), []serviceDef{
		{"id-card", n("Şəxsiyyət vəsiqəsinin verilməsi", "Identity card", "Выдача удостоверения личности")},
		{"passport", n("Ümumvətəndaş pasportu", "Passport", "Общегражданский паспорт")},
		{"driving-licence", n("Sürücülük vəsiqəsi", "Driving licence", "Водительское удостоверение")},
		{"vehicle-registration", n("Nəqliyyat vasitəsinin qeydiyyatı", "Vehicle registration", "Регистрация транспортного средства")},
	}},
	{"tax", "central", n("Dövlət Vergi Xidməti", "State Tax Service", "Государственная налоговая служба"), []serviceDef{
		{"tax-registration", n("Vergi ödəyicisi kimi uçota alınma", "Taxpayer registration", "Постановка на налоговый учёт")},
		{"tax-return", n("Vergi bəyannaməsinin qəbulu", "Tax return filing", "Приём налоговой декларации")},
		{"tax-clearance", n("Vergi borcunun olmaması haqqında arayış", "Certificate of no tax debt", "Справка об отсутствии налоговой задолженности")},
	}},
	{"labour", "central", n("Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi", "Ministry of Labour and Social Protection of Population", "Министерство труда и социальной защиты населения"), []serviceDef{
		{"pension-certificate", n("Pensiya vəsiqəsi", "Pension certificate", "Пенсионное удостоверение")},
		{"social-allowance", n("Ünvanlı dövlət sosial yardımı", "Targeted social assistance", "Адресная государственная социальная помощь")},
		{"disability", n("Əlilliyin müəyyən edilməsi", "Disability assessment", "Установление инвалидности")},
		{"work-record", n("Əmək stajı haqqında arayış", "Employment record certificate", "Справка о трудовом стаже")},
	}},
	{"customs", "central", n("Dövlət Gömrük Komitəsi", "State Customs Committee", "Государственный таможенный комитет"), []serviceDef{
		{"customs-declaration", n("Gömrük bəyannaməsi", "Customs declaration", "Таможенная декларация")},
		{"vehicle-customs", n("Avtomobillərin gömrük rəsmiləşdirilməsi", "Customs clearance of vehicles", "Таможенное оформление автомобилей")},
	}},
	{"property", "central", n("Əmlak Məsələləri Dövlət Xidməti", "State Service for Property Issues", "Государственная служба по имущественным вопросам"), []serviceDef{
		{"property-registration", n("Daşınmaz əmlakın dövlət qeydiyyatı", "Real estate registration", "Государственная регистрация недвижимости")},
		{"property-extract", n("Daşınmaz əmlakın reyestrindən çıxarış", "Extract from the real estate register", "Выписка из реестра недвижимости")},
		{"technical-passport", n("Texniki pasportun verilməsi", "Technical passport", "Выдача технического паспорта")},
	}},
	{"economy", "central", n("İqtisadiyyat Nazirliyi", "Ministry of Economy", "Министерство экономики"), []serviceDef{
		{"business-registration", n("Kommersiya qurumunun dövlət qeydiyyatı", "Business registration", "Государственная регистрация коммерческой организации")},
		{"licensing", n("Lisenziya və icazələrin verilməsi", "Licences and permits", "Выдача лицензий и разрешений")},
	}},
	{"agriculture", "central", n("Kənd Təsərrüfatı Nazirliyi", "Ministry of Agriculture", "Министерство сельского хозяйства"), []serviceDef{
		{"farmer-registration", n("Fermerlərin qeydiyyatı", "Farmer registration", "Регистрация фермеров")},
		{"subsidy", n("Subsidiya üçün müraciət", "Subsidy application", "Заявка на субсидию")},
	}},
	{"education", "central", n("Təhsil Nazirliyi", "Ministry of Education", "Министерство образования"), []serviceDef{
		{"diploma-recognition", n("Xarici diplomların tanınması", "Recognition of foreign diplomas", "Признание иностранных дипломов")},
		{"diploma-duplicate", n("Təhsil sənədinin dublikatı", "Duplicate of an education document", "Дубликат документа об образовании")},
	}},
	{"azerishiq", "state-companies", n("Azərişıq ASC", "Azerishiq OJSC", "ОАО «Азеришыг»"), []serviceDef{
		{"electricity-subscriber", n("Elektrik enerjisi abunəçisinin qeydiyyatı", "Electricity subscriber registration", "Регистрация абонента электроэнергии")},
		{"electricity-connection", n("Elektrik şəbəkəsinə qoşulma", "Grid connection", "Подключение к электросети")},
		{"electricity-billing", n("Ödəniş və borc məlumatı", "Billing and debt enquiries", "Справки об оплате и задолженности")},
	}},
	{"azersu", "state-companies", n("Azərsu ASC", "Azersu OJSC", "ОАО «Азерсу»"), []serviceDef{
		{"water-subscriber", n("Su abunəçisinin qeydiyyatı", "Water subscriber registration", "Регистрация абонента водоснабжения")},
		{"water-connection", n("Su şəbəkəsinə qoşulma", "Water supply connection", "Подключение к водопроводу")},
		{"water-meter", n("Su sayğacının quraşdırılması", "Water meter installation", "Установка водомера")},
	}},
	{"azeriqaz", "state-companies", n("Azəriqaz İB", "Azerigaz PU", "ПО «Азеригаз»"), []serviceDef{
		{"gas-subscriber", n("Qaz abunəçisinin qeydiyyatı", "Gas subscriber registration", "Регистрация абонента газоснабжения")},
		{"gas-connection", n("Qaz şəbəkəsinə qoşulma", "Gas supply connection", "Подключение к газовой сети")},
		{"gas-meter", n("Qaz sayğacının dəyişdirilməsi", "Gas meter replacement", "Замена газового счётчика")},
	}},
	{"azerpost", "state-companies", n("Azərpoçt MMC", "Azerpost LLC", "ООО «Азерпочт»"), []serviceDef{
		{"parcels", n("Bağlamaların qəbulu və verilməsi", "Parcels", "Приём и выдача посылок")},
		{"postal-transfers", n("Poçt pul köçürmələri", "Postal money transfers", "Почтовые денежные переводы")},
	}},
	{"aztelekom", "state-companies", n("Aztelekom MMC", "Aztelekom LLC", "ООО «Азтелеком»"), []serviceDef{
		{"landline", n("Stasionar telefon xəttinin çəkilməsi", "Landline installation", "Подключение стационарного телефона")},
		{"home-internet", n("Ev internetinə qoşulma", "Home internet connection", "Подключение домашнего интернета")},
	}},
	{"bank", "partners", n("Tərəfdaş bank", "Partner bank", "Банк-партнёр"), []serviceDef{
		{"bank-account", n("Hesabın açılması", "Opening an account", "Открытие счёта")},
		{"bank-card", n("Bank kartının verilməsi", "Bank card issue", "Выдача банковской карты")},
		{"loan-advice", n("Kredit üzrə məsləhət", "Loan advice", "Консультация по кредитам")},
	}},
	{"notary-office", "partners", n("Xüsusi notariat ofisi", "Private notary office", "Частная нотариальная контора"), []serviceDef{
		{"power-of-attorney", n("Etibarnamənin tərtibi", "Power of attorney", "Оформление доверенности")},
		{"contract-certification", n("Müqavilələrin təsdiqi", "Certification of contracts", "Удостоверение договоров")},
	}},
	{"insurance", "partners", n("Sığorta şirkəti", "Insurance company", "Страховая компания"), []serviceDef{
		{"motor-insurance", n("İcbari avtonəqliyyat sığortası", "Compulsory motor insurance", "Обязательное автострахование")},
		{"property-insurance", n("Daşınmaz əmlakın sığortası", "Property insurance", "Страхование недвижимости")},
	}},
	{"medical", "partners", n("Tibbi müayinə mərkəzi", "Medical examination centre", "Центр медицинского осмотра"), []serviceDef{
		{"driver-medical", n("Sürücülər üçün tibbi arayış", "Medical certificate for drivers", "Медицинская справка для водителей")},
		{"general-medical", n("Tibbi müayinə", "Medical examination", "Медицинский осмотр")},
	}},
	{"translation", "partners", n("Tərcümə bürosu", "Translation bureau", "Бюро переводов"), []serviceDef{
		{"document-translation", n("Sənədlərin tərcüməsi", "Document translation", "Перевод документов")},
		{"certified-translation", n("Tərcümənin notarial təsdiqi", "Notarised translation", "Нотариально заверенный перевод")},
	}},
	{"photo", "partners", n("Foto və surət xidməti", "Photo and copy service", "Фото и копировальные услуги"), []serviceDef{
		{"document-photo", n("Sənəd üçün foto", "Document photos", "Фото на документы")},
		{"copies", n("Surətçıxarma", "Photocopies", "Ксерокопии")},
	}},
}

type centerDef struct {
	code   string
	name   survey.Names
	size   float64  // relative number of visitors
	except []string // agencies it does not host
}

// Centres of the ASAN xidmət network: the Baku centres host everyone, regional ones most agencies.
var centers = []centerDef{
	{"baku-1", n("Bakı 1 nömrəli ASAN xidmət mərkəzi", "Baku ASAN service centre No. 1", "Центр ASAN xidmət № 1 г. Баку"), 1.6, nil},
	{"baku-2", n("Bakı 2 nömrəli ASAN xidmət mərkəzi", "Baku ASAN service centre No. 2", "Центр ASAN xidmət № 2 г. Баку"), 1.3, nil},
	{"baku-3", n("Bakı 3 nömrəli ASAN xidmət mərkəzi", "Baku ASAN service centre No. 3", "Центр ASAN xidmət № 3 г. Баку"), 1.2, nil},
	{"baku-4", n("Bakı 4 nömrəli ASAN xidmət mərkəzi", "Baku ASAN service centre No. 4", "Центр ASAN xidmət № 4 г. Баку"), 1.1, nil},
	{"baku-5", n("Bakı 5 nömrəli ASAN xidmət mərkəzi", "Baku ASAN service centre No. 5", "Центр ASAN xidmət № 5 г. Баку"), 1.0, nil},
	{"sumqayit", n("Sumqayıt ASAN xidmət mərkəzi", "Sumgait ASAN service centre", "Центр ASAN xidmət г. Сумгайыт"), 0.9, []string{"customs"}},
	{"ganja", n("Gəncə ASAN xidmət mərkəzi", "Ganja ASAN service centre", "Центр ASAN xidmət г. Гянджа"), 1.0, nil},
	{"barda", n("Bərdə ASAN xidmət mərkəzi", "Barda ASAN service centre", "Центр ASAN xidmət г. Барда"), 0.6, []string{"customs", "aztelekom", "translation"}},
	{"qabala", n("Qəbələ ASAN xidmət mərkəzi", "Gabala ASAN service centre", "Центр ASAN xidmət г. Габала"), 0.45, []string{"customs", "economy", "translation"}},
	{"shaki", n("Şəki ASAN xidmət mərkəzi", "Shaki ASAN service centre", "Центр ASAN xidmət г. Шеки"), 0.55, []string{"customs", "translation"}},
	{"lankaran", n("Lənkəran ASAN xidmət mərkəzi", "Lankaran ASAN service centre", "Центр ASAN xidmət г. Ленкорань"), 0.6, []string{"translation", "economy"}},
	{"quba", n("Quba ASAN xidmət mərkəzi", "Guba ASAN service centre", "Центр ASAN xidmət г. Губа"), 0.45, []string{"customs", "translation", "aztelekom"}},
	{"mingachevir", n("Mingəçevir ASAN xidmət mərkəzi", "Mingachevir ASAN service centre", "Центр ASAN xidmət г. Мингечевир"), 0.5, []string{"customs", "translation"}},
}

func (c centerDef) hosts(agency string) bool {
	for _, x := range c.except {
		if x == agency {
			return false
		}
	}
	return true
}

// Catalog is the demo catalog: 3 peer groups, 21 agencies, 13 centres and two versions of the visit survey.
func Catalog() survey.Catalog {
	var c survey.Catalog
	for _, g := range groups {
		c.Groups = append(c.Groups, survey.Group{Code: g.code, Name: g.name})
	}
	for _, a := range agencies {
		c.Agencies = append(c.Agencies, survey.Agency{Code: a.code, Group: a.group, Survey: SurveyCode, Name: a.name})
		for _, s := range a.services {
			c.Services = append(c.Services, survey.Service{Code: s.code, Agency: a.code, Name: s.name})
		}
	}
	for _, ce := range centers {
		var hosted []string
		for _, a := range agencies {
			if ce.hosts(a.code) {
				hosted = append(hosted, a.code)
			}
		}
		c.Centers = append(c.Centers, survey.Center{Code: ce.code, Agencies: hosted, Name: ce.name})
	}
	c.Surveys = Surveys()
	return c
}
