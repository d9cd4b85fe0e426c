package demo

import (
	"fmt"
	"strings"

	"cqp/internal/domain"
)

// organisation is a demo training organisation. Accredited ones hold an accreditation for
// every qualification, valid today; the other holds one that has expired.
type organisation struct {
	Name, City, Slug string
	Accredited       bool
	Contact          string // the coordinator who holds the organisation's account
}

var organisations = []organisation{
	{Name: "Institut de Formation de l'Assurance et du Courtage", City: "Paris", Slug: "paris", Accredited: true, Contact: "Nathalie Béraud"},
	{Name: "École Supérieure du Courtage de Lyon", City: "Lyon", Slug: "lyon", Accredited: true, Contact: "Rémi Vasseur"},
	{Name: "Centre Méditerranée Formation Assurances", City: "Marseille", Slug: "marseille", Accredited: true, Contact: "Leïla Bensaïd"},
	{Name: "Formaplus Conseil", City: "Lille", Slug: "lille", Accredited: false, Contact: "Grégory Delattre"},
}

// accreditedOrganisations is how many of organisations, from the first, are accredited.
const accreditedOrganisations = 3

// company is a demo brokerage firm with its referent (tutor) and, for some, an HR account.
type company struct {
	Name, City, Slug string
	Referent         string
	HR               string // "" when the company has no account of its own
}

var companies = []company{
	{Name: "Cabinet Lefèvre & Associés", City: "Paris", Slug: "paris", Referent: "Sophie Mercier", HR: "Anne-Sophie Roux"},
	{Name: "Rhône Courtage Conseil", City: "Lyon", Slug: "lyon", Referent: "Karim Benali", HR: "Laurence Chapuis"},
	{Name: "Méditerranée Courtage", City: "Marseille", Slug: "marseille", Referent: "Élise Fabre", HR: "Jean-François Orsini"},
	{Name: "Atlantique Assurances Conseil", City: "Nantes", Slug: "nantes", Referent: "Yannick Le Goff", HR: "Maud Guérin"},
	{Name: "Hélios Courtage Gironde", City: "Bordeaux", Slug: "bordeaux", Referent: "Marion Dubreuil"},
	{Name: "Normandie Risques & Prévoyance", City: "Rouen", Slug: "rouen", Referent: "Thierry Lécuyer"},
	{Name: "Alsace Courtage Entreprises", City: "Strasbourg", Slug: "strasbourg", Referent: "Christelle Wagner"},
	{Name: "Océan Indien Assurances", City: "Saint-Denis", Slug: "saint-denis", Referent: "Jean-Luc Payet"},
}

// funderName is the demo OPCO: the one the insurance branches belong to.
const funderName = "OPCO Atlas"

// person is a demo candidate's identity. BirthINSEE is set when born in France, BirthCountry
// otherwise.
type person struct {
	FirstNames, BirthName, UsedName string
	Sex                             domain.Sex
	BirthINSEE, BirthCountry, City  string
}

// people are the 40 demo candidates. Three of them answer a search for "lefevre" (one by
// birth name, one by used name, one as a plain Lefèvre), so that accent folding shows.
var people = []person{
	{"Éloïse", "Lefèvre", "", domain.SexFemale, "75056", "", "Paris"},
	{"Gaëlle", "Kervella", "Moreau", domain.SexFemale, "29019", "", "Brest"},
	{"Mamadou", "N'Diaye", "", domain.SexMale, "", "Sénégal", "Dakar"},
	{"Amélie", "Œuvray", "", domain.SexFemale, "69123", "", "Lyon"},
	{"Jérôme", "Dupré", "", domain.SexMale, "13055", "", "Marseille"},
	{"Anaïs", "Bénard", "", domain.SexFemale, "31555", "", "Toulouse"},
	{"François", "Chéron", "", domain.SexMale, "33063", "", "Bordeaux"},
	{"Hélène", "Thébault", "Leclère", domain.SexFemale, "44109", "", "Nantes"},
	{"Loïc", "Le Bihan", "", domain.SexMale, "29019", "", "Brest"},
	{"Zoé", "Mérieux", "", domain.SexFemale, "69123", "", "Lyon"},
	{"Raphaël", "Da Silva", "", domain.SexMale, "", "Portugal", "Porto"},
	{"Inès", "Benmansour", "", domain.SexFemale, "", "Maroc", "Casablanca"},
	{"Théo", "Lemaître", "", domain.SexMale, "59350", "", "Lille"},
	{"Maëlys", "Payet", "", domain.SexFemale, "97411", "", "Saint-Denis"},
	{"Stéphane", "Hébert", "", domain.SexMale, "76540", "", "Rouen"},
	{"Cécile", "Évrard", "", domain.SexFemale, "67482", "", "Strasbourg"},
	{"Benoît", "Séguin", "", domain.SexMale, "75056", "", "Paris"},
	{"Aurélie", "Ménard", "Fournié", domain.SexFemale, "13055", "", "Marseille"},
	{"Noël", "Béranger", "", domain.SexMale, "2A004", "", "Ajaccio"},
	{"Céline", "Després", "", domain.SexFemale, "75056", "", "Paris"},
	{"Joël", "Génin", "", domain.SexMale, "69123", "", "Lyon"},
	{"Océane", "Coëffic", "", domain.SexFemale, "35238", "", "Rennes"},
	{"Frédéric", "Lefèvre", "", domain.SexMale, "59350", "", "Lille"},
	{"Mégane", "Kouassi", "", domain.SexFemale, "", "Côte d'Ivoire", "Abidjan"},
	{"Jean-Noël", "Bréchet", "", domain.SexMale, "21231", "", "Dijon"},
	{"Marie-Thérèse", "Cœurdacier", "", domain.SexFemale, "75056", "", "Paris"},
	{"Clément", "Nguyen", "", domain.SexMale, "75056", "", "Paris"},
	{"Agnès", "Müller", "", domain.SexFemale, "67482", "", "Strasbourg"},
	{"Grégoire", "d'Aubigné", "", domain.SexMale, "49007", "", "Angers"},
	{"Solène", "Marchetti", "", domain.SexFemale, "2B033", "", "Bastia"},
	{"Timothée", "Rousset", "", domain.SexMale, "13055", "", "Marseille"},
	{"Héloïse", "Gauthier", "", domain.SexFemale, "33063", "", "Bordeaux"},
	{"Étienne", "Faure-Lacroix", "", domain.SexMale, "63113", "", "Clermont-Ferrand"},
	{"Ophélie", "Saïdi", "", domain.SexFemale, "75056", "", "Paris"},
	{"Adèle", "N'Guessan", "", domain.SexFemale, "", "Côte d'Ivoire", "Bouaké"},
	{"Jérémy", "Lebœuf", "", domain.SexMale, "14118", "", "Caen"},
	{"Élodie", "Hoarau", "", domain.SexFemale, "97411", "", "Saint-Denis"},
	{"Gaëtan", "Pelé", "", domain.SexMale, "31555", "", "Toulouse"},
	{"Chloé", "Vasseur", "Lefèvre", domain.SexFemale, "80021", "", "Amiens"},
	{"Nicolas", "Ollivier", "", domain.SexMale, "", "Belgique", "Liège"},
}

// candidateAccounts are the indexes in people of the candidates who get a login: Éloïse
// Lefèvre and Amélie Œuvray (formation), Gaëlle Moreau (VAE, with a used name) and Mamadou
// N'Diaye (blocs, born abroad). The route follows the rank (plan).
var candidateAccounts = []int{0, 1, 2, 3}

// staff are the branch-wide accounts other than the secretariat.
var staff = []struct {
	Role  domain.Role
	Name  string
	Local string // e-mail local part
	Sees  string
}{
	{domain.RoleBranch, "Michel Garnier", "cpnefp", "tout, en lecture seule : candidats, organismes, entreprises, référentiels, statistiques et journal d'audit"},
	{domain.RoleCommissionMember, "Isabelle Perrin", "commission1", "les oraux de certification qui lui sont confiés (jamais un candidat de son entreprise ou de son organisme)"},
	{domain.RoleCommissionMember, "Olivier Chauvin", "commission2", "les oraux de certification qui lui sont confiés (jamais un candidat de son entreprise ou de son organisme)"},
	{domain.RoleCommissionMember, "Fatou Sissoko", "commission3", "les oraux de certification qui lui sont confiés (jamais un candidat de son entreprise ou de son organisme)"},
	{domain.RoleJuryPresident, "Bernard Lemoine", "jury.president", "les sessions de jury auxquelles il est invité, leurs candidats et leurs débats ; présent, il clôt la session et signe les procès-verbaux et les certificats"},
	{domain.RoleJuryMember, "Catherine Morel", "jury1", "les sessions de jury auxquelles ce membre est invité, leurs candidats et leurs débats"},
	{domain.RoleJuryMember, "Didier Faure", "jury2", "les sessions de jury auxquelles ce membre est invité, leurs candidats et leurs débats"},
	{domain.RoleJuryMember, "Nadia Haddad", "jury3", "les sessions de jury auxquelles ce membre est invité, leurs candidats et leurs débats"},
	{domain.RoleJuryMember, "Patrick Roussel", "jury4", "les sessions de jury auxquelles ce membre est invité, leurs candidats et leurs débats"},
	{domain.RoleVAEAdviser, "Sylvie Marchand", "accompagnateur", "les dossiers d'expérience VAE qui lui sont confiés, qu'elle commente"},
	{domain.RoleSubjectCommittee, "Jacques Bertin", "sujets1", "les sujets d'évaluation proposés, qu'il examine en commission de sujets, et la banque de sujets"},
	{domain.RoleSubjectCommittee, "Mireille Vasseur", "sujets2", "les sujets d'évaluation proposés, qu'elle examine en commission de sujets, et la banque de sujets"},
}

const (
	secretariatName = "Claire Dumas"
	funderContact   = "Hugo Lambert"
)

// Synthetic names: every first name goes with the sex the civil register gives it.
var (
	syntheticFemale = []string{"Éloïse", "Gaëlle", "Amélie", "Anaïs", "Hélène", "Zoé", "Inès", "Maëlys", "Cécile",
		"Aurélie", "Céline", "Océane", "Mégane", "Marie-Thérèse", "Agnès", "Solène", "Héloïse", "Ophélie", "Adèle",
		"Élodie", "Chloé", "Léa", "Manon", "Camille", "Sarah", "Julie", "Émilie", "Clémence", "Noémie", "Bérénice",
		"Laëtitia", "Nadège", "Sévérine", "Mélanie", "Pauline", "Margaux", "Justine", "Aïcha", "Fatoumata", "Yasmine",
		"Sophie", "Isabelle", "Nathalie", "Valérie", "Sandrine", "Stéphanie", "Véronique", "Françoise", "Geneviève", "Lucie"}
	syntheticMale = []string{"Jérôme", "Mamadou", "François", "Loïc", "Raphaël", "Théo", "Stéphane", "Benoît",
		"Noël", "Joël", "Frédéric", "Jean-Noël", "Clément", "Grégoire", "Timothée", "Étienne", "Jérémy", "Gaëtan",
		"Nicolas", "Hugo", "Lucas", "Thomas", "Maxime", "Antoine", "Julien", "Sébastien", "Cédric", "Hervé",
		"Régis", "Rémi", "Anthony", "Mickaël", "Yannick", "Gwénaël", "Anaël", "Mathéo", "Karim", "Moussa", "Ibrahima",
		"Olivier", "Patrick", "Philippe", "Thierry", "Laurent", "Christophe", "Éric", "Didier", "Alexis", "Bastien", "Quentin"}
	syntheticLast = []string{"Lefèvre", "N'Diaye", "Œuvray", "Dupré", "Bénard", "Chéron", "Thébault", "Leclère",
		"Le Bihan", "Mérieux", "Da Silva", "Benmansour", "Lemaître", "Payet", "Hébert", "Évrard", "Séguin", "Ménard",
		"Fournié", "Béranger", "Després", "Génin", "Coëffic", "Kouassi", "Bréchet", "Cœurdacier", "Nguyen", "Müller",
		"d'Aubigné", "Marchetti", "Rousset", "Gauthier", "Faure-Lacroix", "Saïdi", "N'Guessan", "Lebœuf", "Hoarau",
		"Pelé", "Vasseur", "Ollivier", "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
		"Moreau", "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier",
		"Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre-Duval", "Faure",
		"André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier",
		"Garcia", "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson",
		"Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun",
		"Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martínez",
		"Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard", "Roger", "Fabre",
		"Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît",
		"Rey", "Leclerc", "Payen", "Rolland", "Leclercq", "Guillaume", "Lecomte", "López", "Jean", "Dupuy", "Guillot",
		"Hubert", "Berger", "Carpentier", "Sánchez", "Dupuis", "Moulin", "Louis", "Deschamps", "Huet", "Vasseur",
		"Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Paris", "Poirier", "Marty", "Aubry",
		"Guyot", "Carré", "Charles", "Renault", "Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly",
		"Hervé", "Schneider", "Fernández", "Le Gall", "Collet", "Léger", "Bouvier", "Julien", "Prévost", "Millet",
		"Perrot", "Daniel", "Le Roux", "Cousin", "Germain", "Breton", "Besson", "Langlois", "Rémy", "Le Goff",
		"Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun", "Marchal", "Weber", "Mallet", "Hamon",
		"Boulanger", "Jacob", "Monnier", "Michaud", "Rodríguez", "Guichard", "Gillet", "Étienne", "Grondin", "Poulain",
		"Tessier", "Chevallier", "Collin", "Chauvin", "Da Costa", "Bouchet", "Gay", "Lemaître", "Bénard", "Maréchal",
		"Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy", "Cordier", "Pichon", "Lejeune", "Gilbert",
		"Lamy", "Delaunay", "Pasquier", "Carlier", "Laporte"}
	// syntheticBirthPlaces mixes INSEE commune codes and countries.
	syntheticBirthPlaces = []struct{ INSEE, Country, City string }{
		{"75056", "", "Paris"}, {"69123", "", "Lyon"}, {"13055", "", "Marseille"}, {"31555", "", "Toulouse"},
		{"33063", "", "Bordeaux"}, {"44109", "", "Nantes"}, {"59350", "", "Lille"}, {"67482", "", "Strasbourg"},
		{"35238", "", "Rennes"}, {"76540", "", "Rouen"}, {"06088", "", "Nice"}, {"34172", "", "Montpellier"},
		{"2A004", "", "Ajaccio"}, {"97411", "", "Saint-Denis"}, {"21231", "", "Dijon"}, {"49007", "", "Angers"},
		{"", "Sénégal", "Dakar"}, {"", "Maroc", "Casablanca"}, {"", "Portugal", "Porto"}, {"", "Algérie", "Oran"},
		{"", "Côte d'Ivoire", "Abidjan"}, {"", "Belgique", "Liège"},
	}
)

// email is an address on the demo domain, which receives nothing.
func email(local string) string { return local + "@" + Domain }

// slug turns a name into an e-mail local part: "Marie-Thérèse N'Diaye" → "marie-therese-n-diaye".
func slug(s string) string { return strings.ReplaceAll(domain.Fold(s), " ", "-") }

// siret returns a valid SIRET for demo establishment n: a SIREN whose own Luhn key is right,
// NIC 0001 and the key that makes the 14 digits pass the Luhn check.
func siret(n int) string {
	siren := luhnComplete(fmt.Sprintf("9%07d", 1234567+n*104729))
	return luhnComplete(siren + "0001")
}

// luhnComplete appends the digit that makes digits pass the Luhn check.
func luhnComplete(digits string) string {
	sum := 0
	double := true // the digit left of the key is doubled
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return digits + string(rune('0'+(10-sum%10)%10))
}
