# An ed25519 key pair made for the VM tests only (never use it elsewhere): `privateKey` in
# OpenSSH's format, `publicKey` as an authorized_keys line.
{
  privateKey = ''
    -----BEGIN OPENSSH PRIVATE KEY-----
    b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
    QyNTUxOQAAACBinxC3rZM9+8la1s97pGP/+k9yjbz6hXZgF2StwPKGnwAAAJDYC5p92Aua
    fQAAAAtzc2gtZWQyNTUxOQAAACBinxC3rZM9+8la1s97pGP/+k9yjbz6hXZgF2StwPKGnw
    AAAEBI2G5zKSLEqh48tAJ93nGudik850JiiWTT6DrKkX/EXmKfELetkz37yVrWz3ukY//6
    T3KNvPqFdmAXZK3A8oafAAAAC3Rlc3RAY2xpZW50AQI=
    -----END OPENSSH PRIVATE KEY-----
  '';
  publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGKfELetkz37yVrWz3ukY//6T3KNvPqFdmAXZK3A8oaf test@client";
}
