var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "AntiDistill sample (issue 5)");
app.Run();
