using Complaints.Identity;
using Complaints.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("identity");
builder.AddIdentityProvider();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIdentityProvider();
app.RunIdentity();

/// <summary>Marker for test hosts.</summary>
public partial class Program;
