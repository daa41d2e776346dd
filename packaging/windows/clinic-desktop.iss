; Inno Setup script of the Windows installer (issue 18), after the bundle is built on Windows:
;   pyinstaller --noconfirm --distpath dist --workpath build/bundle packaging\clinic-desktop.spec
;   ISCC.exe /DAppVersion=0.1.0 packaging\clinic-desktop.iss   -> dist\clinic-desktop-0.1.0-setup.exe
; It installs the one-folder bundle under Program Files, per machine, with a Start-menu entry for
; the windowed program. An update installs over it: the folder is replaced, and the clinic's data,
; settings and backups stay where the app keeps them (%LOCALAPPDATA%\clinic-desktop), which the
; installer never touches, nor does uninstalling. Signing: docs/deployment/bundle.md.

#ifndef AppVersion
  #error Give the version: ISCC /DAppVersion=X.Y.Z (clinic_desktop.__version__)
#endif

[Setup]
; The AppId ties updates to this installation: never change it.
AppId={{6A3C8E2F-5B7D-4E19-9C41-2F0D8B6E7A53}
AppName=Clinic Desktop
AppVersion={#AppVersion}
AppVerName=Clinic Desktop {#AppVersion}
AppPublisher=Clinic Desktop
DefaultDirName={autopf}\Clinic Desktop
DefaultGroupName=Clinic Desktop
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=clinic-desktop-{#AppVersion}-setup
SetupIconFile=packaging\icons\clinic-desktop.ico
UninstallDisplayIcon={app}\Clinic Desktop.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running Clinic Desktop holds its files open: ask to close it before replacing them.
CloseApplications=yes
RestartApplications=no

[InstallDelete]
; An update replaces the folder: files the new version no longer has must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "dist\clinic-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Clinic Desktop"; Filename: "{app}\Clinic Desktop.exe"
Name: "{autodesktop}\Clinic Desktop"; Filename: "{app}\Clinic Desktop.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "A shortcut on the desktop"; GroupDescription: "Shortcuts:"

[Run]
Filename: "{app}\Clinic Desktop.exe"; Description: "Open Clinic Desktop"; Flags: nowait postinstall skipifsilent
