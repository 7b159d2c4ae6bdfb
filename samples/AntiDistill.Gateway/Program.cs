using AntiDistill.Gateway;

// A YARP reverse proxy in front of a model server, with AntiDistill on its pipeline: where most providers would run it.
// Routes, upstreams and each route's AntiDistill policy live in appsettings.json and reload with it.
GatewayApp.Create(args).Run();
