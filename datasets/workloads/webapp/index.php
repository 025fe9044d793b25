<?php
// The landing page: no shell, just PHP.
header('Content-Type: text/plain');
echo "webapp ok\n";
