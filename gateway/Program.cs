using Complaints.Gateway;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddTelemetry("gateway");
builder.AddGatewayListeners();
builder.AddGatewayProxy();
builder.AddTrustedForwardedHeaders();
builder.AddOptionalRedis();
builder.AddGatewayRateLimiting();
builder.AddGatewayHealth();

var app = builder.Build();

app.UseTrustedForwardedHeaders();
app.UseGatewaySecurityHeaders();
app.UseRateLimiter();
app.UseGatewayErrorPages();
app.MapGatewayHealth();
app.MapGatewayProxy();

app.Run();
