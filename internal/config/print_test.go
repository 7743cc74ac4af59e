package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

func fmtAll(c *Config) string {
	y, _ := yaml.Marshal(c)
	return fmt.Sprintf("%v %+v %#v %s", c, c, c, y)
}
