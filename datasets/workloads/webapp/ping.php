<?php
// A deliberately injectable page, like the seed project's demo: the `ip`
// parameter reaches a shell unquoted. Benign traffic asks for 127.0.0.1;
// attacks append commands with `;`. It only ever runs inside bob's
// recording namespaces, whose network has nothing but loopback.
header('Content-Type: text/plain');
$ip = isset($_GET['ip']) ? $_GET['ip'] : '127.0.0.1';
echo shell_exec('ping -c 1 -W 1 ' . $ip . ' 2>&1');
