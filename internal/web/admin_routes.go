package web

import "cqp/internal/service"

// registerAdminRoutes registers the secretariat's pages: frameworks, organisations,
// companies, accounts, audit trail and outbox.
func (s *Server) registerAdminRoutes() {
	s.handle("GET /referentiels", service.ActFrameworkRead, s.frameworksList)
	s.handle("GET /referentiels/import", service.ActFrameworkImport, s.frameworkImportForm)
	s.handle("POST /referentiels/import", service.ActFrameworkImport, s.frameworkImportSubmit)
	s.handle("GET /referentiels/{id}", service.ActFrameworkRead, s.frameworkShow)
	s.handle("POST /referentiels/{id}/confirmation", service.ActFrameworkConfirm, s.frameworkConfirm)
	s.handle("GET /referentiels/{code}/versions", service.ActFrameworkRead, s.frameworkVersions)
	s.handle("GET /referentiels/{code}/export", service.ActFrameworkRead, s.frameworkExport)

	s.handle("GET /organismes", service.ActOrganisationRead, s.organisationsList)
	s.handle("GET /organismes/nouveau", service.ActOrganisationManage, s.organisationNewForm)
	s.handle("POST /organismes/nouveau", service.ActOrganisationManage, s.organisationNewSubmit)
	s.handle("GET /organismes/{id}", service.ActOrganisationRead, s.organisationShow)
	s.handle("POST /organismes/{id}/habilitations", service.ActOrganisationManage, s.accreditationCreate)
	s.handle("POST /organismes/{id}/habilitations/{acc}/statut", service.ActOrganisationManage, s.accreditationStatus)
	s.handle("GET /organismes/registre.csv", service.ActRegisterExport, s.registerCSV)
	s.handle("GET /organismes/registre.xlsx", service.ActRegisterExport, s.registerXLSX)
	s.handle("GET /organismes/obligations", service.ActOrganisationRead, s.obligationsShow)
	s.handle("POST /organismes/obligations", service.ActOrganisationManage, s.obligationsSave)

	s.handle("GET /entreprises", service.ActCompanyRead, s.companiesList)
	s.handle("GET /entreprises/nouveau", service.ActCompanyManage, s.companyNewForm)
	s.handle("POST /entreprises/nouveau", service.ActCompanyManage, s.companyNewSubmit)
	s.handle("GET /entreprises/{id}", service.ActCompanyRead, s.companyShow)

	s.handle("GET /comptes", service.ActUserManage, s.usersList)
	s.handle("GET /comptes/nouveau", service.ActUserManage, s.userNewForm)
	s.handle("POST /comptes/nouveau", service.ActUserManage, s.userNewSubmit)
	s.handle("GET /comptes/{id}", service.ActUserManage, s.userShow)
	s.handle("POST /comptes/{id}/roles", service.ActUserManage, s.userRoleAdd)
	s.handle("POST /comptes/{id}/desactivation", service.ActUserManage, s.userDisable)
	s.handle("POST /comptes/{id}/activation", service.ActUserManage, s.userEnable)

	s.handle("GET /audit", service.ActAuditRead, s.auditList)
	s.handle("GET /courriels", service.ActOutboxRead, s.outboxList)
}
