// The team view for the editor, loaded only once the user has set a collector (a lazy module: see
// scripts/build.mjs): the settings' checks and the feed stay out of the activation bundle, and the
// OpenTelemetry SDK is loaded from here in turn, only for a valid endpoint.
export { telemetryConfigFromSettings } from '../../core/telemetry/config';
export { TeamTelemetry } from '../../core/telemetry/teamTelemetry';
