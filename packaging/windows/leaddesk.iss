; Inno Setup 6 script: a per-user (or, when elevated, per-machine) installer for the one-folder
; build in dist\leaddesk. build_windows.ps1 runs it as
;   iscc /DAppVersion=<version from src\leaddesk\__init__.py> /DDistDir=<dist> packaging\windows\leaddesk.iss
; so the version is never written here.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (build_windows.ps1 does)
#endif
#ifndef DistDir
  #define DistDir "..\..\dist"
#endif
#define AppId "org.leaddesk.LeadDesk"

[Setup]
; The GUID-free AppId is the reverse-DNS id used everywhere; upgrades find the old install by it.
AppId={#AppId}
AppName=LeadDesk
AppVersion={#AppVersion}
AppVerName=LeadDesk {#AppVersion}
AppPublisher=The LeadDesk team
AppPublisherURL=https://github.com/leaddesk/leaddesk
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\LeadDesk
DefaultGroupName=LeadDesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#DistDir}
OutputBaseFilename=LeadDesk-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\leaddesk.ico
UninstallDisplayIcon={app}\LeadDesk.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#DistDir}\leaddesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the whole folder: no stale library from the previous version stays behind.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\LeadDesk"; Filename: "{app}\LeadDesk.exe"; AppUserModelID: "{#AppId}"
Name: "{autoprograms}\LeadDesk Demo"; Filename: "{app}\LeadDesk.exe"; Parameters: "demo"
Name: "{autodesktop}\LeadDesk"; Filename: "{app}\LeadDesk.exe"; Tasks: desktopicon; AppUserModelID: "{#AppId}"

[Run]
Filename: "{app}\LeadDesk.exe"; Description: "{cm:LaunchProgram,LeadDesk}"; Flags: nowait postinstall skipifsilent

; Your data (the database, settings) and the passwords in Windows Credential Manager are kept on
; uninstall: they belong to you, not to this version of the program.
