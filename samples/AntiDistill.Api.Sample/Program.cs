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

app.MapCannedApi();
app.MapGet("/health", () => "ok").DisableAntiDistillation();

app.Run();
