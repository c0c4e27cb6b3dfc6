package synth

// The word lists below are written for this generator: common French words
// of an embassy or international-mission website, most frequent first
// within each list. Ranks in the Zipf law follow the list order, function
// words first.

const frFunction = `de la le et les des à en du un une pour dans sur par au avec
qui que est sont a ont été ce cette ces son sa ses leur leurs plus ou mais ne pas
aux il elle ils nous vous se comme entre lors aussi dont sous tout tous toutes
très sans ainsi depuis après avant chez afin selon fait être avoir deux trois
notamment également où`

const frContent = `coopération développement mission ambassade pays projet programme
atelier formation partenaires gouvernement ministre ministère santé éducation
migration migrants réfugiés sécurité justice droits femmes jeunes enfants
population région national nationale international internationale union
européenne délégation conseil europe nations unies organisation société civile
économique économie emploi entreprises investissement commerce agriculture eau
énergie climat environnement changement durable renforcement capacités accord
convention protocole signature cérémonie visite rencontre réunion conférence
séminaire table ronde forum journée événement lancement présentation rapport
étude analyse résultats données évaluation suivi mise œuvre appui soutien
financement budget euros millions bailleurs donateurs fonds subvention
institutions autorités locales municipalité commune ville rabat casablanca
tanger fès marrakech agadir oujda tétouan meknès laâyoune dakhla province
frontière trafic traite êtres humains protection victimes lutte contre
criminalité corruption terrorisme prévention radicalisation dialogue paix
stabilité gouvernance démocratie élections parlement loi réforme politique
stratégie plan action initiative campagne sensibilisation communication médias
presse communiqué déclaration discours ambassadeur consul chef adjoint équipe
experts consultants spécialistes représentants participants acteurs bénéficiaires
association associations organisations ong réseau plateforme centre bureau
agence service direction département secteur public privé santé hôpital
hôpitaux médecins infirmiers vaccination pandémie covid crise urgence humanitaire
aide alimentaire nutrition pauvreté inégalités inclusion handicap genre égalité
violence violences école écoles université universités étudiants élèves
enseignants bourses recherche innovation numérique technologie culture culturel
patrimoine festival exposition musique cinéma livre bibliothèque langue
française francophonie échanges jeunesse sport tourisme transport route
infrastructures logement urbain rural villages zones montagne désert côte
pêche maritime port mer océan forêt biodiversité déchets pollution recyclage
énergies renouvelables solaire éolien électricité efficacité gestion ressources
hydrauliques barrage irrigation sécheresse inondations risques catastrophes
résilience adaptation atténuation émissions carbone transition verte croissance
inclusive compétitivité petites moyennes entreprises artisanat coopératives
microfinance crédit banque finances fiscalité douanes statistiques recensement
administration modernisation décentralisation régionalisation territoire
territoriale collectivités élus citoyens citoyenneté participation consultation
concertation charte engagement partenariat mémorandum entente convention-cadre
phase première deuxième troisième nouvelle nouveau nouveaux nouvelles grand
grande importance importante importants principaux principales objectif
objectifs priorité priorités domaine domaines cadre contexte niveau niveaux
travail travaux année années mois semaine jour jours janvier février mars avril
mai juin juillet août septembre octobre novembre décembre occasion ensemble
membres état états royaume maroc marocain marocaine français française
espagnol allemand italien belge européen européens africain africaine afrique
méditerranée sahel maghreb dernier dernière prochain prochaine lundi mardi
mercredi jeudi vendredi samedi dimanche matin après-midi soir clôture
ouverture inauguration remise diplômes prix lauréats concours appel
candidatures offre offres poste recrutement stage stagiaires visa visas
consulaire demande demandes dossier documents procédure délai rendez-vous
information informations site internet questions réponses contact adresse`

const enWords = `the of and to in a for on with is by that from at as be this are
was it an which has have will its their been also more not but or new
cooperation development mission embassy country project programme workshop
training partners government minister ministry health education migration
migrants refugees security justice rights women youth children population
region national international european union delegation council nations united
organisation civil society economic economy employment business investment
trade agriculture water energy climate environment change sustainable capacity
building agreement convention signature ceremony visit meeting conference
seminar forum event launch report study results evaluation support funding
budget million donors institutions authorities local city province border
trafficking protection victims fight against crime corruption prevention
dialogue peace stability governance democracy elections parliament law reform
policy strategy plan action initiative campaign awareness media press release
statement speech ambassador team experts participants beneficiaries
association network centre office agency public private hospital doctors
vaccination pandemic crisis emergency humanitarian food poverty inclusion
gender equality violence school university students teachers research
innovation digital culture heritage festival exhibition language youth sport`

const arWords = `في من على إلى عن مع هذا هذه التي الذي كما بين خلال وقد أن
التعاون التنمية البعثة السفارة البلد المشروع البرنامج ورشة التكوين الشركاء
الحكومة الوزير الوزارة الصحة التعليم الهجرة المهاجرين اللاجئين الأمن العدالة
الحقوق النساء الشباب الأطفال السكان الجهة الوطني الدولي الاتحاد الأوروبي
المغرب الرباط الدار البيضاء طنجة فاس مراكش أكادير المجتمع المدني الاقتصاد
التشغيل المقاولات الاستثمار التجارة الفلاحة الماء الطاقة المناخ البيئة
المستدامة القدرات الاتفاقية التوقيع الزيارة الاجتماع المؤتمر الندوة المنتدى
إطلاق التقرير الدراسة النتائج الدعم التمويل المانحين المؤسسات السلطات المحلية
المدينة الحدود الاتجار بالبشر الحماية الضحايا مكافحة الجريمة الفساد الوقاية
الحوار السلام الاستقرار الحكامة الديمقراطية الانتخابات البرلمان القانون
الإصلاح السياسة الاستراتيجية خطة العمل المبادرة الحملة التوعية الإعلام
الصحافة البلاغ الخطاب السفير الفريق الخبراء المشاركين المستفيدين الجمعية
الشبكة المركز المكتب الوكالة المستشفى الأطباء التلقيح الجائحة الأزمة
الإنسانية الفقر الإدماج المساواة العنف المدرسة الجامعة الطلبة البحث الابتكار
الرقمي الثقافة التراث المهرجان المعرض اللغة الرياضة`

// Syllables and suffixes of the generated tail of the French vocabulary:
// plausible rare words (names, technical terms, derived forms) that make
// the term dictionary as large as a real site's.
var (
	frOnsets   = []string{"b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "ch", "tr", "pr", "gr", "cl", "bl", "fl"}
	frVowels   = []string{"a", "a", "a", "e", "e", "e", "i", "i", "o", "o", "u", "é", "é", "è", "ou", "au", "ai", "on", "an", "in", "en", "ê", "ô"}
	frSuffixes = []string{"tion", "tions", "ment", "ments", "ique", "iques", "ité", "eur", "eurs", "aire", "isme", "iste", "age", "ance", "ence", "elle", "ette", "al", "aux", "ier", "ière", "ible", "able", "eux", "euse", "ois", "oise", "ade", ""}
)

var sections = []string{"news", "news", "news", "news", "news", "stories", "stories", "press-releases", "press-releases", "events"}

var frTags = []string{
	"coopération", "migration", "santé", "éducation", "gouvernance", "justice",
	"droits humains", "genre", "jeunesse", "climat", "environnement", "eau",
	"énergie", "agriculture", "emploi", "économie", "culture", "patrimoine",
	"sécurité", "traite des êtres humains", "société civile", "décentralisation",
	"numérique", "recherche", "francophonie", "sport", "humanitaire", "covid-19",
	"union européenne", "nations unies", "conseil de l'europe", "unodc",
	"rabat", "casablanca", "tanger", "fès", "marrakech", "oujda", "sahel", "méditerranée",
}
