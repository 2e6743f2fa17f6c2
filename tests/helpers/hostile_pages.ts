// Moved to fixtures/ (bench uses it too and must not import tests/); kept so tests import it here.
export * from "../../fixtures/hostile_pages.ts";
