using AntiDistill.Api.Sample;

// An OpenAI- and Anthropic-compatible API protected by AntiDistill. Policies live in appsettings.json
// (AntiDistillation:Http) and reload when the file changes.
var builder = WebApplication.CreateBuilder(args);

builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation")).AddAspNetCore();

var app = builder.Build();

app.UseForwardedHeaders();

// Sample:Scoring=false runs the same app without the middleware (benchmarks/wrk compares the two).
if (app.Configuration.GetValue("Sample:Scoring", defaultValue: true))
{
    app.UseAntiDistillation();
}

// Sample:EndpointWorkMicroseconds: CPU time each request spends in the endpoint, a stand-in for a real server's (benchmarks/wrk).
// Sample:StreamChunks: streamed chat answers of that many chunks and a usage chunk (benchmarks/gateway).
app.MapCannedApi(
    TimeSpan.FromMicroseconds(app.Configuration.GetValue("Sample:EndpointWorkMicroseconds", 0.0)),
    app.Configuration.GetValue("Sample:StreamChunks", 0));
app.MapGet("/health", () => "ok").DisableAntiDistillation();

app.Run();
