// What only the report and diagnostics commands need (the report builder, the environment it
// gathers, the diagnostics), loaded on first use so the editor does not load it at start-up.
export { gatherEnvironment } from '../../core/report/environment';
export { buildBugReport } from '../../core/report/report';
export { renderDoctorMarkdown, runDiagnostics } from '../../core/doctor';
